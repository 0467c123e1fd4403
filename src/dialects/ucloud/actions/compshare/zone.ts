import type { KilnConfig } from '../../../../config/config.ts';
import { requireRegion, zoneIn } from '../region.ts';

/** CompShare actions name both Region and Zone; both must be served here. */
export function requireZone(config: KilnConfig, region: string, zone: string): { region: string; zone: string } {
  const r = requireRegion(config, region);
  return { region: r.id, zone: zoneIn(r, zone) };
}
