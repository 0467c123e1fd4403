import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { ZecCustomImage, zecCategory, zecResourceGroup } from '../../models/zec-image.ts';
import { zecRegionalImage } from '../../models/zec-image-regions.ts';
import { matchesTags } from '../../models/tags.ts';
import { str } from '../../protocol/params.ts';
import { imageFilterParams } from './image-filters.ts';
import { candidateImages, coreOsType, nameMatches, pageOf } from './image-listing.ts';

/**
 * DescribeCustomImages: the caller's custom images, in every region or in `regionId`,
 * where an image copied there (CopyImage) shows its copy's status.
 */
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
    const candidates = await candidateImages(services, principal, { kinds: ['custom'], imageIds: p.imageIds, osType });
    const replicas = await services.imageReplication.regionsOf(candidates);
    // Each image as seen in the region asked for (or across regions), then filtered on that view.
    const views = candidates.flatMap((img) => {
      const view = zecRegionalImage(img, replicas.get(img.id) ?? [], p.regionId);
      return view ? [{ img, view }] : [];
    });
    const matching = views.filter(
      ({ img, view }) =>
        nameMatches(img.name, p.imageName) &&
        (p.category === undefined || zecCategory(img) === p.category) &&
        (p.imageStatus === undefined || view.imageStatus === p.imageStatus) &&
        (p.resourceGroupId === undefined || zecResourceGroup(img).resourceGroupId === p.resourceGroupId) &&
        matchesTags(img.attributes, p),
    );
    const { items, total } = pageOf(matching, p);
    return { totalCount: total, dataSet: items.map(({ view }) => view) };
  },
});
