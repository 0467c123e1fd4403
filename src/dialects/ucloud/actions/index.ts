import type { UCloudAction } from '../action.ts';
import { CopyCustomImage } from './uhost/copy-custom-image.ts';
import { CreateCustomImage } from './uhost/create-custom-image.ts';
import { CreateUHostInstance } from './uhost/create-uhost-instance.ts';
import { DescribeImage } from './uhost/describe-image.ts';
import { DescribeUHostInstance } from './uhost/describe-uhost-instance.ts';
import { ImportCustomImage } from './uhost/import-custom-image.ts';
import { PoweroffUHostInstance } from './uhost/poweroff-uhost-instance.ts';
import { StartUHostInstance } from './uhost/start-uhost-instance.ts';
import { StopUHostInstance } from './uhost/stop-uhost-instance.ts';
import { TerminateCustomImage } from './uhost/terminate-custom-image.ts';
import { TerminateUHostInstance } from './uhost/terminate-uhost-instance.ts';
import { ReinstallUHostInstance } from './uhost/reinstall-uhost-instance.ts';
import { RebootUHostInstance } from './uhost/reboot-uhost-instance.ts';
import { ResizeUHostInstance } from './uhost/resize-uhost-instance.ts';
import { ResetUHostInstancePassword } from './uhost/reset-uhost-instance-password.ts';
import { ModifyUHostInstanceName } from './uhost/modify-uhost-instance-name.ts';
import { GetRestResource } from './uhost/get-rest-resource.ts';
import { CreateCompShareCustomImage } from './compshare/create-comp-share-custom-image.ts';
import { DescribeCompShareCustomImages } from './compshare/describe-comp-share-custom-images.ts';
import { GetCompShareImageCreateProgress } from './compshare/get-comp-share-image-create-progress.ts';
import { UpdateCompShareImage } from './compshare/update-comp-share-image.ts';
import { CopyCompShareCustomImage } from './compshare/copy-comp-share-custom-image.ts';
import { PublishCompShareImage } from './compshare/publish-comp-share-image.ts';
import { TerminateCompShareCustomImage } from './compshare/terminate-comp-share-custom-image.ts';
import { DescribeCommunityImages } from './compshare/describe-community-images.ts';
import { CreateCompShareInstance } from './compshare/create-comp-share-instance.ts';
import { DescribeCompShareInstance } from './compshare/describe-comp-share-instance.ts';
import { StopCompShareInstance } from './compshare/stop-comp-share-instance.ts';
import { StartCompShareInstance } from './compshare/start-comp-share-instance.ts';
import { RebootCompShareInstance } from './compshare/reboot-comp-share-instance.ts';
import { TerminateCompShareInstance } from './compshare/terminate-comp-share-instance.ts';
import { ModifyCompShareImageShareAccount } from './compshare/modify-comp-share-image-share-account.ts';
import { DescribeCompShareImageShareAccounts } from './compshare/describe-comp-share-image-share-accounts.ts';
import { DescribeCompShareSharingImages } from './compshare/describe-comp-share-sharing-images.ts';
import { DescribeCompShareImages } from './compshare/describe-comp-share-images.ts';
import { DescribeCompShareImageTags } from './compshare/describe-comp-share-image-tags.ts';
import { DescribeSelfCommunityImages } from './compshare/describe-self-community-images.ts';
import { DescribeUserCommunityImages } from './compshare/describe-user-community-images.ts';
import { ReinstallCompShareInstance } from './compshare/reinstall-comp-share-instance.ts';

/** Every UCloud action this server answers; the dispatcher looks actions up here by name. */
export const ucloudActions: readonly UCloudAction[] = [
  CreateCustomImage,
  ImportCustomImage,
  DescribeImage,
  TerminateCustomImage,
  CopyCustomImage,
  CreateUHostInstance,
  DescribeUHostInstance,
  StopUHostInstance,
  PoweroffUHostInstance,
  StartUHostInstance,
  TerminateUHostInstance,
  ReinstallUHostInstance,
  RebootUHostInstance,
  ResizeUHostInstance,
  ResetUHostInstancePassword,
  ModifyUHostInstanceName,
  GetRestResource,
  // CompShare (the GPU compute platform), same core, product 'compshare'.
  CreateCompShareCustomImage,
  DescribeCompShareCustomImages,
  GetCompShareImageCreateProgress,
  UpdateCompShareImage,
  CopyCompShareCustomImage,
  PublishCompShareImage,
  TerminateCompShareCustomImage,
  DescribeCommunityImages,
  CreateCompShareInstance,
  DescribeCompShareInstance,
  StopCompShareInstance,
  StartCompShareInstance,
  RebootCompShareInstance,
  TerminateCompShareInstance,
  ModifyCompShareImageShareAccount,
  DescribeCompShareImageShareAccounts,
  DescribeCompShareSharingImages,
  DescribeCompShareImages,
  DescribeCompShareImageTags,
  DescribeSelfCommunityImages,
  DescribeUserCommunityImages,
  ReinstallCompShareInstance,
];
