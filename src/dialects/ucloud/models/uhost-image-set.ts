import type { Image } from '../../../core/model.ts';

const GiB = 1024 ** 3;

const stateNames: Record<Image['state'], string> = { making: 'Making', available: 'Available', unavailable: 'Unavailable' };
const typeNames: Record<Image['kind'], string> = { base: 'Base', custom: 'Custom', snapshot: 'Custom' };

/** UHostImageSet as DescribeImage returns it (uhost/describe_image.md). */
export function toUHostImageSet(image: Image) {
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
