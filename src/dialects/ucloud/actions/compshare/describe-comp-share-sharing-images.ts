import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { CompShareImage } from '../../models/compshare-image.ts';
import { int, str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';
import { compShareImageViews } from './image-views.ts';

export const DescribeCompShareSharingImages = defineAction({
  name: 'DescribeCompShareSharingImages',
  product: 'compshare',
  summary: "Lists the images other accounts shared with the caller's account, oldest share first (so pages stay stable while images are shared).",
  params: {
    Region: str({ required: true }),
    Zone: str({ doc: 'only images of this zone' }),
    CompShareImageId: str(),
    Offset: int({ min: 0, default: 0 }),
    Limit: int({ min: 0, max: 100, default: 20 }),
  },
  answer: { TotalCount: Type.Integer(), ImageSet: Type.Array(CompShareImage) },
  errors: ['RegionNotFound', 'ZoneNotFound'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    const zone = p.Zone === undefined ? undefined : zoneIn(region, p.Zone);
    const { items, total } = await services.imageGrants.sharedWithMe(principal, 'compshare', {
      imageIds: p.CompShareImageId ? [p.CompShareImageId] : undefined,
      zone,
      offset: p.Offset,
      limit: p.Limit,
    });
    // Shown as the owner's custom image (ImageType Custom, Owner the sharing account).
    const set = await compShareImageViews(services, items, { withReadme: p.CompShareImageId !== undefined, asCommunity: false });
    return { TotalCount: total, ImageSet: set };
  },
});
