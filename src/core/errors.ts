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
  /** An image was to be shared with (or unshared from) an account that does not exist. */
  'ShareAccountNotFound',
  /** An upload id the caller does not own, or that is gone (finished, aborted, expired). */
  'UploadNotFound',
  /** A PATCH whose Upload-Offset is not where the upload stands (tus answers 409). */
  'UploadOffsetMismatch',
  /** A PATCH on an upload that has all its bytes, or an upload of more bytes than declared. */
  'UploadComplete',
  /** An account with KILN_UPLOAD_MAX_OPEN_PER_ACCOUNT unfinished uploads. */
  'UploadLimitExceeded',
  'Internal',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

/**
 * Core's own names for the request fields an error can blame. Core never spells a
 * vendor's parameter: each dialect's error map turns these into its own parameter names,
 * per action (the dialects' error-map.ts). Indexed fields
 * count from 0 in the order the command lists them.
 */
export const PlainCoreFields = ['name', 'imageId', 'projectId', 'dataDiskIds', 'disks', 'addAccountIds', 'removeAccountIds', 'file', 'url'] as const;
export type PlainCoreField = (typeof PlainCoreFields)[number];
export type DiskField = `disks.${number}.${'size' | 'snapshotId'}`;
export type CoreField = PlainCoreField | DiskField;

export function isPlainCoreField(name: string): name is PlainCoreField {
  return (PlainCoreFields as readonly string[]).includes(name);
}

/** A disk field's parts, or undefined when `name` is not one. */
export function diskField(name: string): { index: number; part: 'size' | 'snapshotId' } | undefined {
  const m = /^disks\.(\d+)\.(size|snapshotId)$/.exec(name);
  return m ? { index: Number(m[1]), part: m[2] === 'size' ? 'size' : 'snapshotId' } : undefined;
}

export class KilnError extends Error {
  override readonly name = 'KilnError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /**
     * The field at fault, for dialects that name it (UCloud 230, Zenlayer INVALID_PARAMETER):
     * a CoreField when core raises the error, the dialect's own parameter name when a
     * dialect does. Dialects translate the former through their error map.
     */
    readonly param?: CoreField | (string & {}),
  ) {
    super(message);
  }
}

export function isKilnError(e: unknown): e is KilnError {
  return e instanceof KilnError;
}

/**
 * The same error naming the command's field: stores raise NameTaken without knowing
 * which field carried the name.
 */
export function renamedParam(e: unknown, code: ErrorCode, param: CoreField): unknown {
  if (isKilnError(e) && e.code === code && e.param === undefined) return new KilnError(code, e.message, param);
  return e;
}
