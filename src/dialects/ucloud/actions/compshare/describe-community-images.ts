import { Type } from '@sinclair/typebox';
import { KilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { CompShareImage } from '../../models/compshare-image.ts';
import { int, obj, str } from '../../protocol/param-schema.ts';
import { compShareImageViews } from './image-views.ts';
import { requireZone } from './zone.ts';

export const DescribeCommunityImages = defineAction({
  name: 'DescribeCommunityImages',
  product: 'compshare',
  summary: "Lists the community catalogue: every account's public images, newest publication first.",
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str(),
    Name: str({ maxLength: 63, doc: 'substring of the name' }),
    Author: str({ maxLength: 64, doc: 'account name of the publisher' }),
    Offset: int({ min: 0, default: 0 }),
    Limit: int({ min: 0, max: 100, default: 20 }),
    Tag: str({ doc: 'not supported yet: refused' }),
    SortCondition: obj({ Field: str({ doc: 'PubTime only' }), ASC: str({ doc: 'false only' }) }),
  },
  answer: { TotalCount: Type.Integer(), ImageSet: Type.Array(CompShareImage) },
  errors: ['RegionNotFound', 'ZoneNotFound', 'InvalidParameter'],
  async handle({ services }, p) {
    requireZone(services.config, p.Region, p.Zone);
    // Refused rather than ignored: an ignored filter would answer with the wrong images.
    if (p.Tag !== undefined) throw new KilnError('InvalidParameter', 'filtering community images by Tag is not supported yet', 'Tag');
    const sort = p.SortCondition;
    if (sort?.Field !== undefined && sort.Field !== 'PubTime') {
      throw new KilnError('InvalidParameter', 'only the default order (PubTime, newest first) is supported yet', 'SortCondition.Field');
    }
    if (sort?.ASC !== undefined && sort.ASC.toLowerCase() !== 'false') {
      throw new KilnError('InvalidParameter', 'ascending order is not supported yet', 'SortCondition.ASC');
    }
    const accountId = p.Author === undefined ? undefined : await services.accounts.accountIdByName(p.Author);
    if (p.Author !== undefined && accountId === undefined) return { TotalCount: 0, ImageSet: [] };
    // The catalogue is every account's, the caller's own public images included.
    const { items, total } = await services.catalogue.community('compshare', {
      order: 'newest',
      imageIds: p.CompShareImageId ? [p.CompShareImageId] : undefined,
      nameContains: p.Name,
      accountId,
      offset: p.Offset,
      limit: p.Limit,
    });
    const set = await compShareImageViews(services, items, { withReadme: p.CompShareImageId !== undefined, asCommunity: true });
    return { TotalCount: total, ImageSet: set };
  },
});
