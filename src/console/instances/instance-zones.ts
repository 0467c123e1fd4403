import type { KilnConfig } from '../../config/config.ts';
import type { Product } from '../../core/products.ts';
import { zecZones } from '../../dialects/zenlayer/zones.ts';

export interface ZoneChoice {
  region: string;
  zone: string;
}

/**
 * The zones an instance of `product` may be created in: ZEC serves its own regions, the
 * UCloud products share the installation's (as their dialects check them).
 */
export function zonesOf(config: KilnConfig, product: Product): ZoneChoice[] {
  if (product === 'zec') return zecZones(config).map((z) => ({ region: z.regionId, zone: z.zoneId }));
  return config.regions.flatMap((r) => r.zones.map((zone) => ({ region: r.id, zone })));
}

/** The system disk's type, as each vendor spells its default one. */
export function bootDiskType(product: Product): string {
  return product === 'zec' ? 'Standard NVMe SSD' : 'CLOUD_SSD';
}
