import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { CompShareImageGroup, toCompShareImageGroup } from '../../models/compshare-image-group.ts';
import { str } from '../../protocol/param-schema.ts';
import { compShareImageViews } from './image-views.ts';
import { requireZone } from './zone.ts';

const PAGE = 100;

export const DescribeSelfCommunityImages = defineAction({
  name: 'DescribeSelfCommunityImages',
  product: 'compshare',
  summary:
    "Lists the caller's own published (community) images, each as a version group of one whose GroupId is the image id, " +
    'oldest first. The page has no paging parameters: every group is returned.',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str(),
    GroupId: str({ doc: 'the id of the group’s image' }),
  },
  answer: { ImageSetGroup: Type.Array(CompShareImageGroup), TotalCount: Type.Integer(), AvailableTotalCount: Type.Integer() },
  errors: ['RegionNotFound', 'ZoneNotFound'],
  async handle({ services, principal }, p) {
    requireZone(services.config, p.Region, p.Zone);
    const ids = [...new Set([p.CompShareImageId, p.GroupId].filter((x): x is string => x !== undefined))];
    // Both named and different: no group holds both.
    if (ids.length > 1) return { ImageSetGroup: [], TotalCount: 0, AvailableTotalCount: 0 };
    const groups = [];
    for (let offset = 0; ; offset += PAGE) {
      const { items } = await services.catalogue.published(principal, 'compshare', { imageIds: ids.length > 0 ? ids : undefined, offset, limit: PAGE });
      const views = await compShareImageViews(services, items, { withReadme: ids.length > 0, asCommunity: true });
      groups.push(...views.map(toCompShareImageGroup));
      if (items.length < PAGE) break;
    }
    return { ImageSetGroup: groups, TotalCount: groups.length, AvailableTotalCount: groups.filter((g) => g.Status === 'Available').length };
  },
});
