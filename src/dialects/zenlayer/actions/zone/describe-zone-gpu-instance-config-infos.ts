import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { str } from '../../protocol/params.ts';
import { NIC_BPS, NIC_PPS, offers, typeName } from './instance-type-offers.ts';

/** DescribeZoneGpuInstanceConfigInfos: the GPU instance types (KILN_ZC_INSTANCE_TYPES with a GPU count). */
export const DescribeZoneGpuInstanceConfigInfos = defineZecAction({
  name: 'DescribeZoneGpuInstanceConfigInfos',
  summary: 'The GPU instance types offered in each zone.',
  params: { zoneId: str(), instanceType: str() },
  answer: {
    instanceTypeQuotaSet: Type.Array(
      Type.Object({
        zoneId: Type.String(),
        instanceType: Type.String(),
        cpuCount: Type.Integer(),
        memory: Type.Integer({ description: 'GiB' }),
        gpuAmount: Type.Integer(),
        instanceTypeName: Type.String(),
        bps: Type.Integer(),
        pps: Type.Integer(),
        inventoryCapacity: Type.String(),
      }),
    ),
  },
  errors: [],
  async handle({ services }, p) {
    return {
      instanceTypeQuotaSet: offers(services.config, true, p).map(({ zoneId, type }) => ({
        zoneId,
        instanceType: type.id,
        cpuCount: type.cpu,
        memory: type.memoryGiB,
        gpuAmount: type.gpuCount,
        instanceTypeName: typeName(type),
        bps: NIC_BPS,
        pps: NIC_PPS,
        // The vendor reports this for GPU series almost always (see the page); nothing is counted here.
        inventoryCapacity: 'LIMITED',
      })),
    };
  },
});
