/**
 * Exit codes scripts can trust:
 *   0 done, 1 the image failed (its FailedReason printed) or the instance failed to deploy,
 *   2 usage error,
 *   3 the request failed (API or network error), 130 interrupted (Ctrl-C).
 */
export const Exit = { Ok: 0, ImageFailed: 1, Usage: 2, RequestFailed: 3, Interrupted: 130 } as const;

/** Wrong flags, a missing profile, an action the product's API does not have. */
export class UsageError extends Error {
  override name = 'UsageError';
}
