import { Type } from '@sinclair/typebox';
import type { ImageKind } from '../../../../core/model.ts';
import { defineZecAction } from '../../action.ts';
import { ZecImage, toZecImage, zecCategory } from '../../models/zec-image.ts';
import { zecRegionalImage } from '../../models/zec-image-regions.ts';
import { matchesTags } from '../../models/tags.ts';
import { enumOf, str } from '../../protocol/params.ts';
import { requireZecZone } from '../../zones.ts';
import { imageFilterParams } from './image-filters.ts';
import { candidateImages, coreOsType, nameMatches, pageOf } from './image-listing.ts';

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
    const candidates = await candidateImages(services, principal, { kinds, imageIds: p.imageIds, osType });
    const replicas = await services.imageReplication.regionsOf(candidates);
    const views = candidates.flatMap((img) => {
      // Base images are installed once and offered in every zone; a custom image lives in
      // its zone, and in the regions it was copied to (CopyImage), with that copy's status.
      if (img.kind === 'base' || img.zone === zone.zoneId) return [{ img, view: toZecImage(img) }];
      if (img.region === zone.regionId) return [];
      const copy = zecRegionalImage(img, replicas.get(img.id) ?? [], zone.regionId);
      return copy ? [{ img, view: { ...toZecImage(img), imageStatus: copy.imageStatus } }] : [];
    });
    const matching = views.filter(
      ({ img, view }) =>
        nameMatches(img.name, p.imageName) &&
        (p.category === undefined || zecCategory(img) === p.category) &&
        (p.imageStatus === undefined || view.imageStatus === p.imageStatus) &&
        matchesTags(img.attributes, p),
    );
    const { items, total } = pageOf(matching, p);
    return { totalCount: total, dataSet: items.map(({ view }) => view) };
  },
});
