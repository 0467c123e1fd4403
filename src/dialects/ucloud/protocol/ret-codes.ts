/**
 * UCloud API-level result codes the protocol layer itself produces (public.md, "错误码说明",
 * plus 230 seen in the wild). Action-specific codes (8956, 8010, ...) belong to the actions.
 */
export const UCloudRetCode = {
  Ok: 0,
  /** "Service unavailable": what a server fault is answered with. */
  ServiceUnavailable: 150,
  RateLimited: 153,
  MissingAction: 160,
  UnknownAction: 161,
  MissingSignature: 170,
  BadSignature: 171,
  UserNotFound: 172,
  /** Missing or invalid parameter (undocumented; message from paramErrorMessage). */
  ParamError: 230,
  ProjectNotFound: 292,
  ZonePermission: 293,
  PermissionDenied: 299,
} as const;

export type UCloudRetCodeValue = (typeof UCloudRetCode)[keyof typeof UCloudRetCode];

export type ParamProblem = 'missing' | 'invalid';

/** The 230 message as the real API words it: `Params [Limit] not valid`. */
export function paramErrorMessage(name: string, kind: ParamProblem): string {
  return `Params [${name}] ${kind === 'missing' ? 'not available' : 'not valid'}`;
}
