import type { EnvReader } from './env-reader.ts';
import { readRegions, type RegionConfig } from './region-config.ts';

/** The Zenlayer Cloud API 2.0 dialect: its own regions, zones and instance types. */
export interface ZenlayerConfig {
  /** How far X-ZC-Timestamp may be from the server clock, either way. */
  maxSkewSeconds: number;
  /**
   * How long after its first use a signature that does not cover X-ZC-Action may still
   * serve another action (src/core/accounts/replay-guard.ts).
   */
  actionSwitchMs: number;
  regions: RegionConfig[];
  instanceTypes: InstanceTypeConfig[];
}

/** A sellable instance size; gpuCount 0 (and gpuModel null) for CPU-only types. */
export interface InstanceTypeConfig {
  id: string;
  cpu: number;
  memoryGiB: number;
  gpuCount: number;
  gpuModel: string | null;
}

export function readZenlayer(read: EnvReader): ZenlayerConfig {
  return {
    maxSkewSeconds: read.int('KILN_ZC_MAX_SKEW_SECONDS', 300, 1, 86_400),
    // One signing second plus network delay: a read and a change signed in the same
    // second by one client arrive less than a second apart, plus the later one's latency.
    actionSwitchMs: read.int('KILN_ZC_ACTION_SWITCH_MS', 2_000, 0, 60_000),
    // Zone ids shaped like the vendor's (`asia-east-1a`, `na-us-la-2a` in the zec pages).
    regions: readRegions(read, 'KILN_ZC_REGIONS', 'asia-east-1:asia-east-1a,asia-east-1b;na-us-la-2:na-us-la-2a'),
    instanceTypes: readInstanceTypes(
      read,
      'KILN_ZC_INSTANCE_TYPES',
      'z2a.cpu.1:1:2,z2a.cpu.2:2:4,z2a.cpu.4:4:8,z3a.g.C49.c8m32.1:8:32:1:RTX 4090,z3a.g.C49.c16m64.2:16:64:2:RTX 4090',
    ),
  };
}

/** `type:cpu:memoryGiB[:gpuCount:gpuModel],...`; a type without GPU fields is CPU-only. */
function readInstanceTypes(read: EnvReader, name: string, fallback: string): InstanceTypeConfig[] {
  const out: InstanceTypeConfig[] = [];
  for (const part of read
    .str(name, fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, cpu, mem, gpus, model] = part.split(':').map((s) => s.trim());
    const whole = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN);
    const t = { id: id ?? '', cpu: whole(cpu), memoryGiB: whole(mem), gpuCount: gpus === undefined ? 0 : whole(gpus), gpuModel: model || null };
    if (!/^[A-Za-z0-9.-]+$/.test(t.id) || !(t.cpu >= 1) || !(t.memoryGiB >= 1) || !(t.gpuCount >= 0) || t.gpuCount > 0 !== (t.gpuModel !== null)) {
      read.problem(`${name}: "${part}" must look like type:cpu:memoryGiB or type:cpu:memoryGiB:gpuCount:gpuModel`);
      continue;
    }
    if (out.some((o) => o.id === t.id)) {
      read.problem(`${name}: instance type ${t.id} is listed twice`);
      continue;
    }
    out.push(t);
  }
  return out;
}
