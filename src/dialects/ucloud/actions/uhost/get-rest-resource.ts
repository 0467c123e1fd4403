import { Type } from '@sinclair/typebox';
import { isKilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { enumOf, int, str } from '../../protocol/param-schema.ts';
import { seriesOf, uHostFamily } from '../../models/uhost-type.ts';
import { requireRegion, zoneIn } from '../region.ts';
import { diskResizes, RESIZE_BOUNDS } from './resize-uhost-instance.ts';

const ResourceInfoSet = Type.Object({ Region: Type.String(), Zone: Type.String(), UHostType: Type.String() });

const within = (v: number | undefined, b: { min: number; max: number }) => v === undefined || (v >= b.min && v <= b.max);

/**
 * Not on a public page: the request and answer follow ucloud-sdk-go's
 * internal/services/uhost GetRestResourceRequest/Response. UCloud's tooling asks it before
 * ResizeUHostInstance; the answer is advice, nothing is reserved.
 */
export const GetRestResource = defineAction({
  name: 'GetRestResource',
  product: 'uhost',
  summary:
    'Whether ResizeUHostInstance would accept this host at this CPU, memory and disk size now (UpgradeStatus); without UHostId, the zones that have resources of a type.',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostId: str({ doc: 'the host to be resized; without it only ResourceInfos is answered' }),
    CPU: int({ doc: 'the wanted CPU count; the current one when absent' }),
    Memory: int({ doc: 'the wanted memory, MB; the current one when absent' }),
    BootDiskSpace: int({ doc: 'the wanted system disk size, GB; disks never shrink' }),
    DiskSpace: int({ doc: 'the wanted data disk size, GB (of a host with one data disk)' }),
    ResourceType: enumOf(['Normal', 'SSD', 'BigData', 'GPU'] as const, { default: 'GPU', doc: 'without UHostId: the kind of resource asked about' }),
  },
  answer: {
    UpgradeStatus: Type.Boolean({ description: 'true when ResizeUHostInstance of the host to that size would be accepted now (state, limits, quota)' }),
    ResourceInfos: Type.Array(ResourceInfoSet),
  },
  errors: ['RegionNotFound', 'ZoneNotFound', 'InstanceNotFound'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    const zone = p.Zone === undefined ? undefined : zoneIn(region, p.Zone);
    if (p.UHostId === undefined) {
      // The local driver has no capacity pool: every zone of the region can place any type.
      const zones = zone === undefined ? region.zones : [zone];
      return { UpgradeStatus: false, ResourceInfos: zones.map((z) => ({ Region: region.id, Zone: z, UHostType: p.ResourceType })) };
    }
    const host = await services.instances.get(principal, 'uhost', p.UHostId);
    const info = { Region: host.region, Zone: host.zone, UHostType: uHostFamily(seriesOf(host)) };
    const inBounds =
      within(p.CPU, RESIZE_BOUNDS.cpu) &&
      within(p.Memory, RESIZE_BOUNDS.memoryMb) &&
      within(p.BootDiskSpace, { min: 1, max: 32_000 }) &&
      within(p.DiskSpace, { min: 1, max: 32_000 });
    if (!inBounds) return { UpgradeStatus: false, ResourceInfos: [info] };
    let accepted: boolean;
    try {
      const disks = diskResizes(await services.instances.disks(host.id), host.id, p);
      accepted = await services.instances.resizeAccepted(principal, 'uhost', host.id, {
        ...(p.CPU !== undefined ? { cpu: p.CPU } : {}),
        ...(p.Memory !== undefined ? { memoryMb: p.Memory } : {}),
        disks,
      });
    } catch (e) {
      // A resize the host could not take (DiskSpace on a host with two data disks) is a "no", not a bad request.
      if (isKilnError(e) && e.code === 'InvalidParameter') accepted = false;
      else throw e;
    }
    return { UpgradeStatus: accepted, ResourceInfos: [info] };
  },
});
