import type { KilnConfig, RegionConfig } from '../../config/config.ts';
import { KilnError } from '../../core/errors.ts';

/** The configured ZEC region a request names; an unknown one is an invalid `param`. */
export function requireZecRegion(config: KilnConfig, regionId: string, param: string): RegionConfig {
  const region = config.zenlayer.regions.find((r) => r.id === regionId);
  if (!region) throw new KilnError('RegionNotFound', `region ${regionId} is not served here`, param);
  return region;
}
