import { Type } from '@sinclair/typebox';
import { KilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { CompShareImageGroup, toCompShareImageGroup } from '../../models/compshare-image-group.ts';
import { bool, int, obj, str } from '../../protocol/param-schema.ts';
import { compShareImageViews } from './image-views.ts';
import { requireZone } from './zone.ts';

const empty = { ImageSetGroup: [], TotalCount: 0, AvailableTotalCount: 0 };

export const DescribeUserCommunityImages = defineAction({
  name: 'DescribeUserCommunityImages',
  product: 'compshare',
  summary:
    "Lists the community catalogue (every account's published images), each image a version group of one whose GroupId is its id. " +
    'Ordered by when each image was made, oldest first unless SortCondition.ASC is false, so pages stay stable while images are published.',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str(),
    Name: str({ maxLength: 63, doc: 'substring of the name' }),
    Author: str({ maxLength: 64, doc: 'account name of the publisher' }),
    Offset: int({ min: 0, default: 0 }),
    Limit: int({ min: 0, max: 100, default: 20 }),
    Tag: str({ doc: 'not supported yet: refused' }),
    SortCondition: obj({ Field: str({ doc: 'PubTime only' }), ASC: str({ doc: 'true (the default) or false' }) }),
    IsFree: bool({ doc: 'true is not supported yet: refused' }),
    IsOfficial: bool({ doc: 'community images are never official: true matches none' }),
    FuzzySearch: str({ doc: 'not supported yet: refused' }),
  },
  answer: { ImageSetGroup: Type.Array(CompShareImageGroup), TotalCount: Type.Integer(), AvailableTotalCount: Type.Integer() },
  errors: ['RegionNotFound', 'ZoneNotFound', 'InvalidParameter'],
  async handle({ services }, p) {
    requireZone(services.config, p.Region, p.Zone);
    // Refused rather than ignored: an ignored filter would answer with the wrong images.
    if (p.Tag !== undefined) throw new KilnError('InvalidParameter', 'filtering community images by Tag is not supported yet', 'Tag');
    if (p.FuzzySearch !== undefined) throw new KilnError('InvalidParameter', 'FuzzySearch is not supported yet; use Name or Author', 'FuzzySearch');
    if (p.IsFree === true) throw new KilnError('InvalidParameter', 'filtering free images is not supported yet', 'IsFree');
    const sort = p.SortCondition;
    if (sort?.Field !== undefined && sort.Field !== 'PubTime') {
      throw new KilnError('InvalidParameter', 'only PubTime order is supported yet', 'SortCondition.Field');
    }
    const asc = sort?.ASC?.toLowerCase();
    if (asc !== undefined && asc !== 'true' && asc !== 'false') throw new KilnError('InvalidParameter', 'must be true or false', 'SortCondition.ASC');
    if (p.IsOfficial === true) return empty;
    const accountId = p.Author === undefined ? undefined : await services.accounts.accountIdByName(p.Author);
    if (p.Author !== undefined && accountId === undefined) return empty;
    const { items, total } = await services.catalogue.community('compshare', {
      imageIds: p.CompShareImageId ? [p.CompShareImageId] : undefined,
      nameContains: p.Name,
      accountId,
      offset: p.Offset,
      limit: p.Limit,
      order: asc === 'false' ? 'newest' : 'oldest',
    });
    const views = await compShareImageViews(services, items, { withReadme: p.CompShareImageId !== undefined, asCommunity: true });
    // Every listed image is available, so every group counts.
    return { ImageSetGroup: views.map(toCompShareImageGroup), TotalCount: total, AvailableTotalCount: total };
  },
});
