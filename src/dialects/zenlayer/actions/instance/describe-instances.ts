import { Type } from '@sinclair/typebox';
import type { Instance } from '../../../../core/model.ts';
import { defineZecAction } from '../../action.ts';
import { matchesTags } from '../../models/tags.ts';
import { ZecInstance } from '../../models/zec-instance-schema.ts';
import { toZecInstance, zecInstanceResourceGroup, zecInstanceStatus } from '../../models/zec-instance.ts';
import { enumOf, int, str, strArray, tags } from '../../protocol/params.ts';
import { pageOfInstances } from './instance-listing.ts';

const STATUSES = [
  'DEPLOYING',
  'REBUILDING',
  'REBOOT',
  'RUNNING',
  'STOPPED',
  'BOOTING',
  'RELEASING',
  'STOPPING',
  'RECYCLE',
  'RECYCLING',
  'CREATE_FAILED',
  'IMAGING',
  'RESIZING',
] as const;

export const DescribeInstances = defineZecAction({
  name: 'DescribeInstances',
  summary: "Lists the caller's instances.",
  params: {
    instanceIds: strArray({ maxItems: 100 }),
    zoneId: str(),
    imageId: str(),
    ipv4Address: str(),
    ipv6Address: str(),
    status: enumOf(STATUSES),
    name: str(),
    pageSize: int({ min: 1, max: 1000, default: 20 }),
    pageNum: int({ min: 1, default: 1 }),
    resourceGroupId: str(),
    tagKeys: strArray({ maxItems: 20, itemMaxLength: 64 }),
    tags: tags({ maxItems: 20 }),
  },
  answer: { totalCount: Type.Integer(), dataSet: Type.Array(ZecInstance) },
  errors: [],
  async handle({ services, principal }, p) {
    const filtered =
      p.imageId !== undefined ||
      p.ipv4Address !== undefined ||
      p.ipv6Address !== undefined ||
      p.status !== undefined ||
      p.name !== undefined ||
      p.resourceGroupId !== undefined ||
      p.tagKeys.length > 0 ||
      p.tags.length > 0;
    const keep = (i: Instance) =>
      (p.imageId === undefined || i.imageId === p.imageId) &&
      (p.ipv4Address === undefined || i.attributes.lanIp === p.ipv4Address) &&
      // The local driver assigns no IPv6 addresses, so an IPv6 filter matches nothing.
      p.ipv6Address === undefined &&
      (p.status === undefined || zecInstanceStatus(i) === p.status) &&
      (p.name === undefined || i.name.toLowerCase().includes(p.name.toLowerCase())) &&
      (p.resourceGroupId === undefined || zecInstanceResourceGroup(i).resourceGroupId === p.resourceGroupId) &&
      matchesTags(i.attributes, p);
    const { items, total } = await pageOfInstances(services, principal, { ids: p.instanceIds, zone: p.zoneId }, filtered ? keep : undefined, p);
    const dataSet = await Promise.all(
      items.map(async (i) =>
        toZecInstance(i, await services.instances.disks(i.id), await services.images.get(principal, 'zec', i.imageId).catch(() => undefined)),
      ),
    );
    return { totalCount: total, dataSet };
  },
});
