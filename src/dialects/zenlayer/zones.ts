import type { InstanceTypeConfig, KilnConfig } from '../../config/config.ts';
import { KilnError } from '../../core/errors.ts';

export interface ZecZone {
  regionId: string;
  zoneId: string;
}

/** Every configured zone with its region, in configuration order. */
export function zecZones(config: KilnConfig): ZecZone[] {
  return config.zenlayer.regions.flatMap((r) => r.zones.map((zoneId) => ({ regionId: r.id, zoneId })));
}

/** The configured zone a request names; an unknown one is an invalid `param`. */
export function requireZecZone(config: KilnConfig, zoneId: string, param = 'zoneId'): ZecZone {
  const zone = zecZones(config).find((z) => z.zoneId === zoneId);
  if (!zone) throw new KilnError('ZoneNotFound', `zone ${zoneId} is not served here`, param);
  return zone;
}

export function requireInstanceType(config: KilnConfig, id: string): InstanceTypeConfig {
  const t = config.zenlayer.instanceTypes.find((x) => x.id === id);
  if (!t) throw new KilnError('InvalidParameter', `instance type ${id} is not offered here`, 'instanceType');
  return t;
}
