import { Type } from '@sinclair/typebox';
import { KilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { CompShareImage } from '../../models/compshare-image.ts';
import { enumOf, int, str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';
import { compShareImageViews } from './image-views.ts';

export const DescribeCompShareImages = defineAction({
  name: 'DescribeCompShareImages',
  product: 'compshare',
  summary:
    'Lists the official (platform) images, oldest first (so pages stay stable while images are added). ' +
    'Every official image here is a System image; there are no App images.',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    ImageType: enumOf(['System', 'App'] as const, { default: 'System' }),
    CompShareImageId: str(),
    Name: str({ maxLength: 63, doc: 'substring of the name' }),
    Author: str({ maxLength: 64, doc: 'official images have no author: any value matches none' }),
    Tag: str({ doc: 'not supported yet: refused' }),
    Offset: int({ min: 0, default: 0 }),
    Limit: int({ min: 0, max: 100, default: 20 }),
  },
  answer: { TotalCount: Type.Integer(), ImageSet: Type.Array(CompShareImage) },
  errors: ['RegionNotFound', 'ZoneNotFound', 'InvalidParameter'],
  async handle({ services }, p) {
    zoneIn(requireRegion(services.config, p.Region), p.Zone);
    // Refused rather than ignored: an ignored filter would answer with the wrong images.
    if (p.Tag !== undefined) throw new KilnError('InvalidParameter', 'filtering official images by Tag is not supported yet', 'Tag');
    // Operator images are all System images, written by no account.
    if (p.ImageType === 'App' || (p.Author !== undefined && p.Author !== '')) return { TotalCount: 0, ImageSet: [] };
    const { items, total } = await services.catalogue.official('compshare', {
      imageIds: p.CompShareImageId ? [p.CompShareImageId] : undefined,
      nameContains: p.Name,
      offset: p.Offset,
      limit: p.Limit,
    });
    const set = await compShareImageViews(services, items, { withReadme: p.CompShareImageId !== undefined, asCommunity: false });
    return { TotalCount: total, ImageSet: set };
  },
});
