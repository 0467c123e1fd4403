import type { ErrorCode } from '../core/errors.ts';

/** What each core error means to a caller, for the reference docs' error tables. */
export const errorText: Record<ErrorCode, string> = {
  MissingParameter: 'a parameter is missing',
  InvalidParameter: 'a parameter has a value the action cannot use',
  AccountNotFound: 'the key belongs to no account',
  ProjectNotFound: 'the project does not exist or is not the caller’s',
  RegionNotFound: 'the region is not served here',
  ZoneNotFound: 'the zone is not served here',
  ImageNotFound: 'no such image the caller can see',
  ImageNotCustom: 'the image is not a custom image',
  ImageNotAvailable: 'the image is not Available',
  ImageBusy: 'the image is still being made',
  CopyToSource: 'the copy would land where the image already is (same region and project)',
  InstanceNotFound: 'no such instance of the caller',
  InstanceNotStopped: 'the instance must be stopped first',
  InstanceNotRunning: 'the instance must be running',
  InstanceBusy: 'the instance is busy (deploying or being imaged)',
  DiskNotFound: 'a named disk is not the instance’s',
  GpuInstanceNotSupported: 'GPU instances cannot be imaged',
  QuotaExceeded: 'a quota is used up',
  InstanceQuotaExceeded: 'the account’s instance quota is used up',
  DiskQuotaExceeded: 'the account’s disk quota (count or provisioned size) is used up',
  NameTaken: 'the name is already used',
  PermissionDenied: 'the caller may not do this',
  ShareAccountNotFound: 'an account to share with (or unshare from) does not exist; nothing was changed',
  Internal: 'a server fault',
};
