/**
 * The one catalogue of failure codes. Core code throws these; every dialect maps each
 * code to its own wire shape in a single table, so nothing vendor-shaped enters core.
 */
export const ErrorCodes = [
  'MissingParameter',
  'InvalidParameter',
  'AccountNotFound',
  'ProjectNotFound',
  'RegionNotFound',
  'ZoneNotFound',
  'ImageNotFound',
  'ImageNotCustom',
  'ImageNotAvailable',
  'ImageBusy',
  /** A copy whose target is where the source already is (same region and project). */
  'CopyToSource',
  'InstanceNotFound',
  'InstanceNotStopped',
  'InstanceNotRunning',
  'InstanceBusy',
  'DiskNotFound',
  'GpuInstanceNotSupported',
  'QuotaExceeded',
  'NameTaken',
  'InstanceQuotaExceeded',
  'DiskQuotaExceeded',
  'PermissionDenied',
  'Internal',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export class KilnError extends Error {
  override readonly name = 'KilnError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The parameter at fault, for dialects that name it (UCloud 230, Zenlayer INVALID_PARAMETER). */
    readonly param?: string,
  ) {
    super(message);
  }
}

export function isKilnError(e: unknown): e is KilnError {
  return e instanceof KilnError;
}

/**
 * The same error naming the caller's parameter: stores raise NameTaken without knowing
 * which request field carried the name.
 */
export function renamedParam(e: unknown, code: ErrorCode, param: string): unknown {
  if (isKilnError(e) && e.code === code && e.param === undefined) return new KilnError(code, e.message, param);
  return e;
}
