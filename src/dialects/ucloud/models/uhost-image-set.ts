import { Type, type Static } from '@sinclair/typebox';
import type { Image } from '../../../core/model.ts';
import { literals } from '../../schema/fields.ts';

const GiB = 1024 ** 3;

const stateNames = { making: 'Making', available: 'Available', unavailable: 'Unavailable' } as const satisfies Record<Image['state'], string>;
const typeNames = { base: 'Base', custom: 'Custom', snapshot: 'Custom' } as const satisfies Record<Image['kind'], string>;

/** UHostImageSet (uhost/describe_image.md). */
export const UHostImageSet = Type.Object({
  Zone: Type.String(),
  ImageId: Type.String({ description: '`uimage-...`' }),
  ImageName: Type.String(),
  Tag: Type.String(),
  OsType: Type.String({ description: 'Linux or Windows' }),
  OsName: Type.String(),
  ImageType: literals(['Base', 'Business', 'Custom']),
  Features: Type.Array(Type.String()),
  FuncType: Type.String(),
  IntegratedSoftware: Type.String(),
  Vendor: Type.String(),
  Links: Type.String(),
  State: literals(['Available', 'Making', 'Unavailable']),
  ImageDescription: Type.String(),
  CreateTime: Type.Integer({ description: 'unix seconds' }),
  ImageSize: Type.Integer({ description: 'GB' }),
  MinimalCPU: Type.String(),
  MaintainEol: Type.String(),
  DataSnapshotIds: Type.Array(Type.String()),
  SupportedGPUTypes: Type.Array(Type.String()),
  SceneCategories: Type.Array(Type.String()),
  PrimarySoftware: Type.String(),
  FailedReason: Type.Optional(Type.String({ description: 'why the image is Unavailable (Kiln addition)' })),
  ImageSizeBytes: Type.Optional(Type.Integer({ description: 'virtual size in bytes (Kiln addition): ImageSize is whole GB, rounded up' })),
});

/** UHostImageSet as DescribeImage returns it. */
export function toUHostImageSet(image: Image): Static<typeof UHostImageSet> {
  const dataSnapshotIds = Array.isArray(image.attributes.dataSnapshotIds) ? (image.attributes.dataSnapshotIds as string[]) : [];
  return {
    Zone: image.zone,
    ImageId: image.id,
    ImageName: image.name,
    Tag: 'Default',
    OsType: image.osType,
    OsName: image.osName,
    ImageType: typeNames[image.kind],
    Features: ['CloudInit'],
    FuncType: 'uhost',
    IntegratedSoftware: '',
    Vendor: '',
    Links: '',
    State: stateNames[image.state],
    ImageDescription: image.description,
    CreateTime: Math.floor(image.createdAt / 1000),
    ImageSize: Math.ceil(image.virtualSize / GiB),
    // An imported disk need not be whole GB; clients that show sizes (kiln images) read this.
    ImageSizeBytes: image.virtualSize,
    MinimalCPU: '',
    MaintainEol: '',
    DataSnapshotIds: dataSnapshotIds,
    SupportedGPUTypes: [] as string[],
    SceneCategories: [] as string[],
    PrimarySoftware: '',
    // Not a documented field; UCloud shows the reason in its console. SDKs ignore unknown keys.
    ...(image.failedReason ? { FailedReason: image.failedReason } : {}),
  };
}
