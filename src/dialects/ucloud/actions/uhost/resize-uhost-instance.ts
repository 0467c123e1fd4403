import { Type } from '@sinclair/typebox';
import { KilnError } from '../../../../core/errors.ts';
import type { Disk } from '../../../../core/model.ts';
import type { DiskResize } from '../../../../core/instances/resize.ts';
import { defineAction } from '../../action.ts';
import { int, str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';

/** The CPU and memory a host may be resized to; GetRestResource judges a wanted size by the same bounds. */
export const RESIZE_BOUNDS = { cpu: { min: 1, max: 256 }, memoryMb: { min: 1024, max: 4 * 1024 * 1024 } } as const;

/** The disks BootDiskSpace and DiskSpace name on this host. */
export function diskResizes(disks: Disk[], hostId: string, p: { BootDiskSpace?: number | undefined; DiskSpace?: number | undefined }): DiskResize[] {
  const resizes: DiskResize[] = [];
  if (p.BootDiskSpace !== undefined) resizes.push({ diskId: disks.find((d) => d.isBoot)!.id, sizeGb: p.BootDiskSpace, sizeParam: 'BootDiskSpace' });
  if (p.DiskSpace !== undefined) {
    // The parameter names one data disk; with several, which one is meant is unknowable.
    const data = disks.filter((d) => !d.isBoot);
    if (data.length !== 1)
      throw new KilnError('InvalidParameter', `DiskSpace resizes the data disk of a host with one; host ${hostId} has ${data.length}`, 'DiskSpace');
    resizes.push({ diskId: data[0]!.id, sizeGb: p.DiskSpace, sizeParam: 'DiskSpace' });
  }
  return resizes;
}

export const ResizeUHostInstance = defineAction({
  name: 'ResizeUHostInstance',
  product: 'uhost',
  summary: "Changes a stopped host's CPU and memory and grows its system (BootDiskSpace) or data (DiskSpace) disk; disks never shrink.",
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostId: str({ required: true }),
    CPU: int(RESIZE_BOUNDS.cpu),
    Memory: int({ ...RESIZE_BOUNDS.memoryMb, doc: 'MB' }),
    BootDiskSpace: int({ min: 1, max: 32_000, doc: 'GB; the system disk, which cannot shrink' }),
    DiskSpace: int({ min: 1, max: 32_000, doc: 'GB; the data disk (of a host with one), which cannot shrink' }),
    NetCapValue: int({ min: 0, max: 2, doc: 'accepted; the local driver has no network to scale' }),
  },
  answer: { UHostId: Type.String(), UhostId: Type.String({ description: 'the same id, as the SDK structs spell it' }) },
  errors: ['RegionNotFound', 'ZoneNotFound', 'InstanceNotFound', 'InstanceNotStopped', 'InstanceBusy', 'InvalidParameter', 'DiskQuotaExceeded'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    if (p.Zone !== undefined) zoneIn(region, p.Zone);
    const disks = await services.instances.disks((await services.instances.get(principal, 'uhost', p.UHostId)).id);
    const resizes = diskResizes(disks, p.UHostId, p);
    await services.instances.resize(principal, 'uhost', p.UHostId, {
      ...(p.CPU !== undefined ? { cpu: p.CPU } : {}),
      ...(p.Memory !== undefined ? { memoryMb: p.Memory } : {}),
      disks: resizes,
    });
    return { UHostId: p.UHostId, UhostId: p.UHostId };
  },
});
