import { Type } from '@sinclair/typebox';
import type { ImageKind } from '../../../../core/model.ts';
import { defineZecAction } from '../../action.ts';
import { ZecImage, toZecImage, zecCategory, zecImageStatus } from '../../models/zec-image.ts';
import { matchesTags } from '../../models/tags.ts';
import { enumOf, str } from '../../protocol/params.ts';
import { requireZecZone } from '../../zones.ts';
import { imageFilterParams } from './image-filters.ts';
import { coreOsType, nameMatches, pageOfImages } from './image-listing.ts';

const kindsFor: Record<'PUBLIC_IMAGE' | 'CUSTOM_IMAGE', ImageKind[]> = { PUBLIC_IMAGE: ['base'], CUSTOM_IMAGE: ['custom'] };
const sourceKinds: Record<'OFFICIAL' | 'MARKETING' | 'CUSTOM' | 'APP', ImageKind[]> = { OFFICIAL: ['base'], MARKETING: [], CUSTOM: ['custom'], APP: [] };

/** DescribeImages: the public (base) images and the caller's custom images usable in a zone. */
export const DescribeImages = defineZecAction({
  name: 'DescribeImages',
  summary: "Lists the public images and the caller's custom images usable in a zone.",
  params: {
    zoneId: str({ required: true }),
    ...imageFilterParams,
    imageType: enumOf(['PUBLIC_IMAGE', 'CUSTOM_IMAGE'] as const),
    imageSource: enumOf(['OFFICIAL', 'MARKETING', 'CUSTOM', 'APP'] as const),
  },
  answer: { totalCount: Type.Integer(), dataSet: Type.Array(ZecImage) },
  errors: ['ZoneNotFound'],
  async handle({ services, principal }, p) {
    const zone = requireZecZone(services.config, p.zoneId);
    let kinds: ImageKind[] = p.imageType ? kindsFor[p.imageType] : ['base', 'custom'];
    if (p.imageSource) kinds = kinds.filter((k) => sourceKinds[p.imageSource!].includes(k));
    const osType = coreOsType(p.osType);
    if (osType === null || kinds.length === 0) return { totalCount: 0, dataSet: [] };
    const { items, total } = await pageOfImages(
      services,
      principal,
      { kinds, imageIds: p.imageIds, osType },
      (img) =>
        // Base images are installed once and offered in every zone; custom images live in one.
        (img.kind === 'base' || img.zone === zone.zoneId) &&
        nameMatches(img.name, p.imageName) &&
        (p.category === undefined || zecCategory(img) === p.category) &&
        (p.imageStatus === undefined || zecImageStatus(img) === p.imageStatus) &&
        matchesTags(img.attributes, p),
      p,
    );
    return { totalCount: total, dataSet: items.map(toZecImage) };
  },
});
