import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { str } from '../../protocol/params.ts';
import { NIC_BPS, NIC_PPS, offers, typeName } from './instance-type-offers.ts';

/** DescribeZoneInstanceConfigInfos: the CPU-only instance types (KILN_ZC_INSTANCE_TYPES). */
export const DescribeZoneInstanceConfigInfos = defineZecAction({
  name: 'DescribeZoneInstanceConfigInfos',
  summary: 'The CPU instance types offered in each zone.',
  params: { zoneId: str(), instanceType: str() },
  answer: {
    instanceTypeQuotaSet: Type.Array(
      Type.Object({
        zoneId: Type.String(),
        instanceType: Type.String(),
        instanceTypeName: Type.String(),
        cpuCount: Type.Integer(),
        memory: Type.Integer({ description: 'GiB' }),
        bps: Type.Integer(),
        pps: Type.Integer(),
        internetMaxBandwidthOutLimit: Type.Integer(),
        withStock: Type.Boolean(),
        internetChargeTypes: Type.Array(Type.String()),
      }),
    ),
  },
  errors: [],
  async handle({ services }, p) {
    return {
      instanceTypeQuotaSet: offers(services.config, false, p).map(({ zoneId, type }) => ({
        zoneId,
        instanceType: type.id,
        instanceTypeName: typeName(type),
        cpuCount: type.cpu,
        memory: type.memoryGiB,
        bps: NIC_BPS,
        pps: NIC_PPS,
        internetMaxBandwidthOutLimit: 10_000,
        withStock: true,
        internetChargeTypes: ['ByBandwidth', 'ByTrafficPackage', 'BandwidthCluster'],
      })),
    };
  },
});
