import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { int, str, strArray } from '../../protocol/param-schema.ts';
import { toUHostInstanceSet, UHostInstanceSet } from '../../models/uhost-instance-set.ts';
import { requireRegion, zoneIn } from '../region.ts';

export const DescribeUHostInstance = defineAction({
  name: 'DescribeUHostInstance',
  product: 'uhost',
  summary: "Lists the caller's hosts in a region.",
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostIds: strArray({ maxItems: 100 }),
    Tag: str(),
    Offset: int({ min: 0, default: 0 }),
    Limit: int({ min: 0, max: 100, default: 20 }),
  },
  answer: { TotalCount: Type.Integer(), UHostSet: Type.Array(UHostInstanceSet) },
  errors: ['RegionNotFound', 'ZoneNotFound'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    const zone = p.Zone === undefined ? undefined : zoneIn(region, p.Zone);
    const { items, total } = await services.instances.list(principal, 'uhost', {
      ids: p.UHostIds.length > 0 ? p.UHostIds : undefined,
      zone,
      offset: p.Offset,
      limit: p.Limit,
    });
    // BasicImageId: the base image at the root of the host's image (itself for a base image).
    const set = await Promise.all(
      items.map(async (i) => toUHostInstanceSet(i, await services.instances.disks(i.id), await services.images.baseOfInstanceImage(i.imageId))),
    );
    return { TotalCount: total, UHostSet: set };
  },
});
