import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { CompShareImage } from '../../models/compshare-image.ts';
import { int, str } from '../../protocol/param-schema.ts';
import { compShareImageViews } from './image-views.ts';
import { requireZone } from './zone.ts';

export const DescribeCompShareCustomImages = defineAction({
  name: 'DescribeCompShareCustomImages',
  product: 'compshare',
  summary: "Lists the caller's custom images in a zone, oldest first (so pages stay stable while images are made).",
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str(),
    Offset: int({ min: 0, default: 0 }),
    Limit: int({ min: 0, max: 100, default: 20 }),
  },
  answer: { TotalCount: Type.Integer(), ImageSet: Type.Array(CompShareImage) },
  errors: ['RegionNotFound', 'ZoneNotFound'],
  async handle({ services, principal }, p) {
    const { zone } = requireZone(services.config, p.Region, p.Zone);
    const { items, total } = await services.images.list(principal, 'compshare', {
      kinds: ['custom'],
      imageIds: p.CompShareImageId ? [p.CompShareImageId] : undefined,
      zone,
      offset: p.Offset,
      limit: p.Limit,
      // Creation order: images made while a caller pages land after the pages it has read.
      order: 'oldest',
    });
    const set = await compShareImageViews(services, items, { withReadme: p.CompShareImageId !== undefined, asCommunity: false });
    return { TotalCount: total, ImageSet: set };
  },
});
