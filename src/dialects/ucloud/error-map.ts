import type { ErrorCode } from '../../core/errors.ts';
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
  Internal: 150,
};
