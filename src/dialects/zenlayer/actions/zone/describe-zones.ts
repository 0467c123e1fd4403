import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { strArray } from '../../protocol/params.ts';
import { zoneInfo } from '../../zone-info.ts';
import { zecZones } from '../../zones.ts';

/** DescribeZones: the configured zones (KILN_ZC_REGIONS); unknown ids in `zoneIds` match nothing. */
export const DescribeZones = defineZecAction({
  name: 'DescribeZones',
  summary: 'The zones served here (KILN_ZC_REGIONS).',
  params: { zoneIds: strArray({ maxItems: 100 }) },
  answer: {
    zoneSet: Type.Array(
      Type.Object({
        zoneId: Type.String(),
        regionId: Type.String(),
        zoneName: Type.String(),
        timeZone: Type.String(),
        cityName: Type.String(),
        cityCode: Type.String(),
        countryCode: Type.String(),
        countryName: Type.String(),
        supportSecurityGroup: Type.Boolean(),
        supportHaVip: Type.Boolean(),
      }),
    ),
  },
  errors: [],
  async handle({ services }, p) {
    const zones = zecZones(services.config).filter((z) => p.zoneIds.length === 0 || p.zoneIds.includes(z.zoneId));
    return {
      zoneSet: zones.map((z) => ({ zoneId: z.zoneId, regionId: z.regionId, ...zoneInfo(z.zoneId), supportSecurityGroup: true, supportHaVip: false })),
    };
  },
});
