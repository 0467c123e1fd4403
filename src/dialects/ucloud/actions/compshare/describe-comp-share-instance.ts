import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { bool, int, str, strArray } from '../../protocol/param-schema.ts';
import { CompShareInstanceSet, toCompShareInstanceSet } from '../../models/compshare-instance-set.ts';
import { requireRegion, zoneIn } from '../region.ts';

export const DescribeCompShareInstance = defineAction({
  name: 'DescribeCompShareInstance',
  product: 'compshare',
  summary: "Lists the caller's GPU hosts, in one region or in all.",
  params: {
    // Optional here: the page lists the caller's hosts of every region when none is named.
    Region: str(),
    Zone: str(),
    UHostIds: strArray({ maxItems: 100 }),
    WithoutGpu: bool(),
    Offset: int({ min: 0, default: 0 }),
    Limit: int({ min: 0, max: 100, default: 20 }),
  },
  answer: { TotalCount: Type.Integer(), UHostSet: Type.Array(CompShareInstanceSet) },
  errors: ['RegionNotFound', 'ZoneNotFound'],
  async handle({ services, principal }, p) {
    let zone: string | undefined;
    if (p.Region !== undefined) {
      const region = requireRegion(services.config, p.Region);
      if (p.Zone !== undefined) zone = zoneIn(region, p.Zone);
    }
    const { items, total } = await services.instances.list(principal, 'compshare', {
      ids: p.UHostIds.length > 0 ? p.UHostIds : undefined,
      zone,
      offset: p.Offset,
      limit: p.Limit,
    });
    const set = await Promise.all(
      items.map(async (i) =>
        toCompShareInstanceSet(
          i,
          await services.instances.disks(i.id),
          // A community image its owner has since withdrawn or deleted is shown without details.
          await services.images.get(principal, 'compshare', i.imageId).catch(() => undefined),
          principal.projectId,
        ),
      ),
    );
    return { TotalCount: total, UHostSet: set };
  },
});
