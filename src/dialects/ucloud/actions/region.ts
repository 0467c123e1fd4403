import type { KilnConfig, RegionConfig } from '../../../config/config.ts';
import { regionOf } from '../../../config/config.ts';
import { KilnError } from '../../../core/errors.ts';

/** The configured region a request names; unknown regions are an invalid parameter. */
export function requireRegion(config: KilnConfig, region: string): RegionConfig {
  const r = regionOf(config, region);
  if (!r) throw new KilnError('RegionNotFound', `region ${region} is not served here`, 'Region');
  return r;
}

/** A zone of the region, or the region's default zone when none is named. */
export function zoneIn(region: RegionConfig, zone: string | undefined): string {
  if (zone === undefined) return region.defaultZone;
  if (!region.zones.includes(zone)) throw new KilnError('ZoneNotFound', `zone ${zone} is not in region ${region.id}`, 'Zone');
  return zone;
}
