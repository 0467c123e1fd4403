import { diskField, isPlainCoreField, type ErrorCode, type PlainCoreField } from '../../core/errors.ts';
import { ZcCode } from './protocol/error-codes.ts';

/**
 * Core error codes as Zenlayer HTTP status + code. The business codes are the ones the
 * ZEC pages document (seed 004 for CreateImage; ModifyImagesAttributes/DeleteImages:
 * INVALID_IMAGE_NOT_FOUND, INVALID_IMAGE_STATUS); the rest are the common codes.
 */
export const zenlayerErrorFor: Record<ErrorCode, { status: number; code: string }> = {
  MissingParameter: { status: 400, code: ZcCode.MissingParameter },
  InvalidParameter: { status: 400, code: ZcCode.InvalidParameterValue },
  AccountNotFound: { status: 401, code: ZcCode.UnauthorizedOperation },
  ProjectNotFound: { status: 404, code: ZcCode.ResourceGroupNotFound },
  RegionNotFound: { status: 400, code: ZcCode.InvalidParameterValue },
  ZoneNotFound: { status: 400, code: ZcCode.InvalidParameterValue },
  ImageNotFound: { status: 404, code: 'INVALID_IMAGE_NOT_FOUND' },
  // ModifyImagesAttributes/DeleteImages look among the caller's custom images only, where
  // a base image is simply not found.
  ImageNotCustom: { status: 404, code: 'INVALID_IMAGE_NOT_FOUND' },
  ImageNotAvailable: { status: 400, code: 'INVALID_IMAGE_STATUS' },
  ImageBusy: { status: 400, code: 'INVALID_IMAGE_STATUS' },
  CopyToSource: { status: 400, code: ZcCode.InvalidParameterValue },
  InstanceNotFound: { status: 404, code: 'INVALID_INSTANCE_NOT_FOUND' },
  InstanceNotStopped: { status: 400, code: 'OPERATION_DENIED_INSTANCE_STATUS_NOT_SUPPORT' },
  InstanceNotRunning: { status: 400, code: 'OPERATION_DENIED_INSTANCE_STATUS_NOT_SUPPORT' },
  InstanceBusy: { status: 400, code: 'OPERATION_DENIED_INSTANCE_IN_OPERATION' },
  DiskNotFound: { status: 404, code: ZcCode.ResourceNotFound },
  GpuInstanceNotSupported: { status: 400, code: 'OPERATION_DENIED_GPU_INSTANCE_NOT_SUPPORT' },
  QuotaExceeded: { status: 400, code: 'INVALID_IMAGE_QUOTA_EXCEED' },
  // The ZEC pages document no instance or disk quota codes; named like the image one.
  InstanceQuotaExceeded: { status: 400, code: 'INVALID_INSTANCE_QUOTA_EXCEED' },
  DiskQuotaExceeded: { status: 400, code: 'INVALID_DISK_QUOTA_EXCEED' },
  NameTaken: { status: 400, code: ZcCode.InvalidParameterValue },
  PermissionDenied: { status: 403, code: ZcCode.UnauthorizedOperation },
  ShareAccountNotFound: { status: 400, code: ZcCode.InvalidParameterValue },
  // Upload codes are raised by Kiln's own upload endpoint (src/upload), never by a ZEC
  // action; the map stays total so a code can never reach a dialect unmapped.
  UploadNotFound: { status: 404, code: ZcCode.ResourceNotFound },
  UploadOffsetMismatch: { status: 400, code: ZcCode.InvalidParameterValue },
  UploadComplete: { status: 400, code: ZcCode.InvalidParameterValue },
  UploadLimitExceeded: { status: 400, code: ZcCode.InvalidParameterValue },
  Internal: { status: 500, code: ZcCode.InternalServerError },
};

/** Core fields as ZEC parameters. */
const zecParams: Record<PlainCoreField, string> = {
  name: 'imageName',
  imageId: 'imageId',
  projectId: 'resourceGroupId',
  // Core counts every disk of an instance; on ZEC only the data disks are a list.
  disks: 'dataDisks',
  dataDiskIds: 'dataDiskIds',
  addAccountIds: 'addAccountIds',
  removeAccountIds: 'removeAccountIds',
  file: 'file',
  // ZEC has no import action; the name its image-from-URL calls would use.
  url: 'imageUrl',
};

/**
 * The ZEC parameter an error blames; names a dialect action raised are its own already.
 * Instance creates list the system disk first, then the data disks (CreateZecInstances).
 */
export function zecParamFor(field: string): string {
  const disk = diskField(field);
  if (disk) {
    const part = disk.part === 'size' ? 'diskSize' : 'snapshotId';
    return disk.index === 0 ? `systemDisk.${part}` : `dataDisks.${disk.index - 1}.${part}`;
  }
  return isPlainCoreField(field) ? zecParams[field] : field;
}
