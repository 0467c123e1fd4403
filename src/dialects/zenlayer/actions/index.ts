import type { ZecAction } from '../action.ts';
import { CopyImage } from './image/copy-image.ts';
import { CreateImage } from './image/create-image.ts';
import { DeleteImageCopy } from './image/delete-image-copy.ts';
import { DescribeImageCopyProgress } from './image/describe-image-copy-progress.ts';
import { DeleteImages } from './image/delete-images.ts';
import { DescribeCustomImages } from './image/describe-custom-images.ts';
import { DescribeImages } from './image/describe-images.ts';
import { ModifyImagesAttributes } from './image/modify-images-attributes.ts';
import { CreateZecInstances } from './instance/create-zec-instances.ts';
import { DescribeInstances } from './instance/describe-instances.ts';
import { DescribeInstancesStatus } from './instance/describe-instances-status.ts';
import { RebootInstances } from './instance/reboot-instances.ts';
import { ReleaseInstances } from './instance/release-instances.ts';
import { StartInstances } from './instance/start-instances.ts';
import { StopInstances } from './instance/stop-instances.ts';
import { DescribeZoneGpuInstanceConfigInfos } from './zone/describe-zone-gpu-instance-config-infos.ts';
import { DescribeZoneInstanceConfigInfos } from './zone/describe-zone-instance-config-infos.ts';
import { DescribeZones } from './zone/describe-zones.ts';

/** Every ZEC action this server answers; the dispatcher looks actions up here by name. */
export const zecActions: readonly ZecAction[] = [
  CreateImage,
  DescribeImages,
  DescribeCustomImages,
  ModifyImagesAttributes,
  DeleteImages,
  CopyImage,
  DescribeImageCopyProgress,
  DeleteImageCopy,
  CreateZecInstances,
  DescribeInstances,
  DescribeInstancesStatus,
  StartInstances,
  StopInstances,
  RebootInstances,
  ReleaseInstances,
  DescribeZones,
  DescribeZoneInstanceConfigInfos,
  DescribeZoneGpuInstanceConfigInfos,
];
