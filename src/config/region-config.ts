import type { EnvReader } from './env-reader.ts';
import type { KilnConfig } from './config.ts';

export interface RegionConfig {
  id: string;
  zones: string[];
  defaultZone: string;
}

/** `region:zone1,zone2;region2:zone` — the first zone of each region is its default. */
export function readRegions(read: EnvReader, name: string, fallback: string): RegionConfig[] {
  const raw = read.str(name, fallback);
  const out: RegionConfig[] = [];
  for (const part of raw
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, zonesRaw] = part.split(':');
    const zones = (zonesRaw ?? '')
      .split(',')
      .map((z) => z.trim())
      .filter(Boolean);
    if (!id || !/^[a-z0-9-]+$/.test(id.trim()) || zones.length === 0) {
      read.problem(`${name}: "${part}" must look like region:zone1,zone2`);
      continue;
    }
    out.push({ id: id.trim(), zones, defaultZone: zones[0]! });
  }
  return out;
}

export function regionOf(config: KilnConfig, regionId: string): RegionConfig | undefined {
  return config.regions.find((r) => r.id === regionId);
}
