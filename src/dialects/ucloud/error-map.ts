import { diskField, isPlainCoreField, type ErrorCode, type PlainCoreField } from '../../core/errors.ts';
import type { Product } from '../../core/products.ts';
import { UCloudRetCode } from './protocol/ret-codes.ts';

/**
 * Core error codes as UCloud RetCodes (public.md, uhost/error_code.md). Where the vendor
 * has no code of its own for a case, the nearest documented one is used.
 */
export const ucloudRetCodeFor: Record<ErrorCode, number> = {
  MissingParameter: UCloudRetCode.ParamError,
  InvalidParameter: UCloudRetCode.ParamError,
  AccountNotFound: UCloudRetCode.UserNotFound,
  ProjectNotFound: UCloudRetCode.ProjectNotFound,
  RegionNotFound: UCloudRetCode.ParamError,
  ZoneNotFound: UCloudRetCode.ParamError,
  ImageNotFound: 8956, // resource does not exist or is not a custom image
  ImageNotCustom: 8956,
  ImageNotAvailable: 8961, // source image state unavailable
  ImageBusy: 8961,
  CopyToSource: 8962, // target project is the source image's project: nothing to copy
  InstanceNotFound: 8039, // host has been deleted / does not exist
  InstanceNotStopped: 8010, // stop the host first
  InstanceNotRunning: 8905, // host power state error
  InstanceBusy: 8905,
  DiskNotFound: 8906, // host disk information error
  GpuInstanceNotSupported: UCloudRetCode.PermissionDenied,
  QuotaExceeded: 8095,
  // 8095 is the UHost "quota insufficient" answer for creates of any kind (CreateUHostInstance's
  // MinCount/MaxCount pages: 配额不足时，返回错误).
  InstanceQuotaExceeded: 8095,
  DiskQuotaExceeded: 8095,
  NameTaken: UCloudRetCode.ParamError,
  PermissionDenied: UCloudRetCode.PermissionDenied,
  // ModifyCompShareImageShareAccount: an invalid account id is a bad parameter value.
  ShareAccountNotFound: UCloudRetCode.ParamError,
  // Raised by Kiln's own upload endpoint (src/upload), never by a UCloud action.
  UploadNotFound: UCloudRetCode.ParamError,
  UploadOffsetMismatch: UCloudRetCode.ParamError,
  UploadComplete: UCloudRetCode.ParamError,
  UploadLimitExceeded: 8095,
  Internal: 150,
};

/** Core fields as UCloud parameters, unless the product or the action spells one otherwise. */
const ucloudParams: Record<PlainCoreField, string> = {
  name: 'Name',
  imageId: 'ImageId',
  projectId: 'ProjectId',
  dataDiskIds: 'DataUDiskIds',
  disks: 'Disks',
  addAccountIds: 'AddAccounts',
  removeAccountIds: 'RemoveAccounts',
  file: 'File',
  url: 'Url',
};
const byProduct: Partial<Record<Product, Partial<Record<PlainCoreField, string>>>> = {
  compshare: { imageId: 'CompShareImageId' },
};
const byAction: Record<string, Partial<Record<PlainCoreField, string>>> = {
  ImportCustomImage: { name: 'ImageName', url: 'UFileUrl' },
  CopyCompShareCustomImage: { name: 'TargetImageName' },
  CopyCustomImage: { imageId: 'SourceImageId', name: 'TargetImageName', projectId: 'TargetProjectId' },
};

/** The UCloud parameter an error blames; names a dialect action raised are its own already. */
export function ucloudParamFor(action: string, product: Product, field: string): string {
  const disk = diskField(field);
  if (disk) return `Disks.${disk.index}.${disk.part === 'size' ? 'Size' : 'SnapshotId'}`;
  if (!isPlainCoreField(field)) return field;
  return byAction[action]?.[field] ?? byProduct[product]?.[field] ?? ucloudParams[field];
}
