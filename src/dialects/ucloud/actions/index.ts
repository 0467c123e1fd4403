import type { UCloudAction } from '../action.ts';
import type { Schema } from '../protocol/param-schema.ts';
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

/** Every UCloud action this server answers; the dispatcher looks actions up here by name. */
export const ucloudActions: UCloudAction<Schema>[] = [
  CreateCustomImage,
  ImportCustomImage,
  DescribeImage,
  TerminateCustomImage,
  CreateUHostInstance,
  DescribeUHostInstance,
  StopUHostInstance,
  PoweroffUHostInstance,
  StartUHostInstance,
  TerminateUHostInstance,
] as unknown as UCloudAction<Schema>[];
