import { Type, type Static } from '@sinclair/typebox';
import type { Image } from '../../../core/model.ts';
import { literals } from '../../schema/fields.ts';
import { readTags, TagsAnswer } from './tags.ts';

const GiB = 1024 ** 3;

export const IMAGE_STATUSES = ['CREATING', 'AVAILABLE', 'UNAVAILABLE', 'SYNCING', 'FAILED', 'DELETING', 'PROCESSING'] as const;
export type ZecImageStatus = (typeof IMAGE_STATUSES)[number];

/** Image (describe-images.yaml). */
export const ZecImage = Type.Object({
  imageId: Type.String(),
  imageName: Type.String(),
  imageType: literals(['PUBLIC_IMAGE', 'CUSTOM_IMAGE']),
  imageSource: literals(['OFFICIAL', 'MARKETING', 'CUSTOM', 'APP']),
  imageSize: Type.String({ description: 'GiB' }),
  minDiskSize: Type.Integer({ description: 'GiB' }),
  imageDescription: Type.String(),
  imageVersion: Type.String(),
  imageStatus: literals(IMAGE_STATUSES),
  nicNetworkType: Type.Array(Type.String()),
  category: Type.String(),
  osType: literals(['linux', 'bsd', 'windows', 'android', 'any']),
  tags: TagsAnswer,
});

/** CustomImage (describe-custom-images.yaml): an Image with its regions and resource group. */
export const ZecCustomImage = Type.Composite([
  Type.Object({ regionIdList: Type.Array(Type.String()), resourceGroupId: Type.String(), resourceGroupName: Type.String() }),
  ZecImage,
]);

/** A capture or import that failed carries its reason; that is FAILED, anything else unavailable is UNAVAILABLE. */
export function zecImageStatus(image: Image): ZecImageStatus {
  if (image.state === 'making') return 'CREATING';
  if (image.state === 'available') return 'AVAILABLE';
  return image.failedReason ? 'FAILED' : 'UNAVAILABLE';
}

export function zecOsType(image: Pick<Image, 'osType'>): 'linux' | 'windows' {
  return image.osType === 'Windows' ? 'windows' : 'linux';
}

/** The resource group an image is reported in: the one named at creation, else the project (the default group). */
export function zecResourceGroup(image: Image): { resourceGroupId: string; resourceGroupName: string } {
  const named = typeof image.attributes.resourceGroupId === 'string' ? image.attributes.resourceGroupId : undefined;
  return named ? { resourceGroupId: named, resourceGroupName: named } : { resourceGroupId: image.projectId ?? '', resourceGroupName: 'Default Resource Group' };
}

/** Image as DescribeImages returns it (describe-images.yaml). */
export function toZecImage(image: Image): Static<typeof ZecImage> {
  const sizeGiB = Math.max(1, Math.ceil(image.virtualSize / GiB));
  return {
    imageId: image.id,
    imageName: image.name,
    imageType: image.kind === 'base' ? ('PUBLIC_IMAGE' as const) : ('CUSTOM_IMAGE' as const),
    imageSource: image.kind === 'base' ? ('OFFICIAL' as const) : ('CUSTOM' as const),
    imageSize: String(sizeGiB),
    minDiskSize: sizeGiB,
    imageDescription: image.description,
    imageVersion: typeof image.attributes.imageVersion === 'string' ? image.attributes.imageVersion : '',
    imageStatus: zecImageStatus(image),
    // The local compute driver has no NICs; virtio is what any image it runs can use.
    nicNetworkType: ['VirtioOnly'],
    category: zecCategory(image),
    osType: zecOsType(image),
    tags: { tags: readTags(image.attributes) },
  };
}

/** CustomImage as DescribeCustomImages returns it (describe-custom-images.yaml). */
export function toZecCustomImage(image: Image): Static<typeof ZecCustomImage> {
  return { regionIdList: [image.region], ...zecResourceGroup(image), ...toZecImage(image) };
}

/** The distribution family shown as `category`: the first word of the OS name (`Ubuntu 22.04` -> `Ubuntu`). */
export function zecCategory(image: Pick<Image, 'osName'>): string {
  return image.osName.split(/\s+/)[0] ?? '';
}
