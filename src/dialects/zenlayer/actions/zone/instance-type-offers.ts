import type { InstanceTypeConfig, KilnConfig } from '../../../../config/config.ts';
import { zecZones } from '../../zones.ts';

/** Per-vNIC limits reported for every type; the local driver has no network to limit. */
export const NIC_BPS = 10_000_000_000;
export const NIC_PPS = 1_000_000;

/** Every configured instance type of one kind in every configured zone (or the one asked for). */
export function offers(config: KilnConfig, gpu: boolean, filter: { zoneId?: string | undefined; instanceType?: string | undefined }) {
  const types = config.zenlayer.instanceTypes.filter((t) => t.gpuCount > 0 === gpu && (filter.instanceType === undefined || t.id === filter.instanceType));
  const zones = zecZones(config).filter((z) => filter.zoneId === undefined || z.zoneId === filter.zoneId);
  return zones.flatMap((z) => types.map((t) => ({ zoneId: z.zoneId, type: t })));
}

export function typeName(t: InstanceTypeConfig): string {
  const size = `${t.cpu} vCPU ${t.memoryGiB} GiB`;
  return t.gpuModel ? `${t.gpuCount} x ${t.gpuModel}, ${size}` : size;
}
