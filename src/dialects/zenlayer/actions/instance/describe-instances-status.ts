import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { zecInstanceResourceGroup, zecInstanceStatus } from '../../models/zec-instance.ts';
import { int, str, strArray } from '../../protocol/params.ts';
import { pageOfInstances } from './instance-listing.ts';

export const DescribeInstancesStatus = defineZecAction({
  name: 'DescribeInstancesStatus',
  summary: "The status of the caller's instances.",
  params: {
    instanceIds: strArray({ maxItems: 100 }),
    pageSize: int({ min: 1, max: 1000, default: 20 }),
    pageNum: int({ min: 1, default: 1 }),
    resourceGroupId: str(),
  },
  answer: { totalCount: Type.Integer(), dataSet: Type.Array(Type.Object({ instanceId: Type.String(), instanceStatus: Type.String() })) },
  errors: [],
  async handle({ services, principal }, p) {
    const group = p.resourceGroupId;
    const { items, total } = await pageOfInstances(
      services,
      principal,
      { ids: p.instanceIds },
      group === undefined ? undefined : (i) => zecInstanceResourceGroup(i).resourceGroupId === group,
      p,
    );
    return { totalCount: total, dataSet: items.map((i) => ({ instanceId: i.id, instanceStatus: zecInstanceStatus(i) })) };
  },
});
