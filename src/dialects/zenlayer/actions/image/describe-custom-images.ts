import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { ZecCustomImage, toZecCustomImage, zecCategory, zecImageStatus, zecResourceGroup } from '../../models/zec-image.ts';
import { matchesTags } from '../../models/tags.ts';
import { str } from '../../protocol/params.ts';
import { imageFilterParams } from './image-filters.ts';
import { coreOsType, nameMatches, pageOfImages } from './image-listing.ts';

/** DescribeCustomImages: the caller's custom images, in every region or in `regionId`. */
export const DescribeCustomImages = defineZecAction({
  name: 'DescribeCustomImages',
  summary: "Lists the caller's custom images, in every region or in one.",
  params: {
    regionId: str(),
    ...imageFilterParams,
    resourceGroupId: str(),
  },
  answer: { totalCount: Type.Integer(), dataSet: Type.Array(ZecCustomImage) },
  errors: [],
  async handle({ services, principal }, p) {
    const osType = coreOsType(p.osType);
    if (osType === null) return { totalCount: 0, dataSet: [] };
    const { items, total } = await pageOfImages(
      services,
      principal,
      { kinds: ['custom'], imageIds: p.imageIds, osType },
      (img) =>
        (p.regionId === undefined || img.region === p.regionId) &&
        nameMatches(img.name, p.imageName) &&
        (p.category === undefined || zecCategory(img) === p.category) &&
        (p.imageStatus === undefined || zecImageStatus(img) === p.imageStatus) &&
        (p.resourceGroupId === undefined || zecResourceGroup(img).resourceGroupId === p.resourceGroupId) &&
        matchesTags(img.attributes, p),
      p,
    );
    return { totalCount: total, dataSet: items.map(toZecCustomImage) };
  },
});
