import { KilnError } from '../../../../core/errors.ts';
import type { DiskRequest } from '../../../../core/instances/instance-service.ts';
import { defineAction } from '../../action.ts';
import { readObjectArray } from '../../protocol/flat-params.ts';
import { enumOf, int, str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';

export const CreateUHostInstance = defineAction({
  name: 'CreateUHostInstance',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    ImageId: str({ required: true }),
    LoginMode: enumOf(['Password', 'KeyPair', 'ImagePasswd'] as const, { required: true }),
    Password: str(),
    KeyPairId: str(),
    Name: str({ default: 'UHost', maxLength: 63 }),
    Tag: str(),
    ChargeType: enumOf(['Year', 'Month', 'Dynamic', 'Postpay', 'Preemptive', 'Spot'] as const, { default: 'Month' }),
    CPU: int({ min: 1, max: 256, default: 4 }),
    Memory: int({ min: 1024, max: 4 * 1024 * 1024, default: 8192 }),
    GpuType: str(),
    GPU: int({ min: 0, max: 16, default: 0 }),
    MachineType: str(),
    VPCId: str(),
    SubnetId: str(),
  },
  async handle({ services, principal, flat }, p) {
    const region = requireRegion(services.config, p.Region);
    const zone = zoneIn(region, p.Zone);
    if (p.LoginMode === 'Password' && !p.Password) throw new KilnError('MissingParameter', 'Password is required with LoginMode=Password', 'Password');
    if (p.LoginMode === 'KeyPair' && !p.KeyPairId) throw new KilnError('MissingParameter', 'KeyPairId is required with LoginMode=KeyPair', 'KeyPairId');
    const disks = readDisks(flat);
    const instance = await services.instances.create(principal, 'uhost', {
      region: region.id,
      zone,
      imageId: p.ImageId,
      name: p.Name,
      cpu: p.CPU,
      memoryMb: p.Memory,
      gpuType: p.GPU > 0 ? (p.GpuType ?? 'T4') : null,
      gpuCount: p.GPU,
      disks,
      attributes: { chargeType: p.ChargeType, vpcId: p.VPCId, subnetId: p.SubnetId, machineType: p.MachineType },
    });
    return { UHostIds: [instance.id], IPs: [] as string[] };
  },
});

/** Disks.N.{IsBoot,Type,Size,SnapshotId}; shared with CreateCompShareInstance, which takes the same list. */
export function readDisks(flat: Readonly<Record<string, string>>): DiskRequest[] {
  const raw = readObjectArray(flat, 'Disks');
  if (raw.length === 0) throw new KilnError('MissingParameter', 'Disks.N is required', 'Disks.0.IsBoot');
  return raw.map((d, i) => {
    const isBoot = (d.IsBoot ?? '').toLowerCase();
    if (isBoot !== 'true' && isBoot !== 'false') throw new KilnError(d.IsBoot ? 'InvalidParameter' : 'MissingParameter', 'Disks.N.IsBoot must be True or False', `Disks.${i}.IsBoot`);
    if (!d.Type) throw new KilnError('MissingParameter', 'Disks.N.Type is required', `Disks.${i}.Type`);
    const size = d.Size;
    if (size === undefined || !/^\d+$/.test(size) || Number(size) < 1 || Number(size) > 32000) {
      throw new KilnError(size === undefined ? 'MissingParameter' : 'InvalidParameter', 'Disks.N.Size must be a size in GB', `Disks.${i}.Size`);
    }
    return { isBoot: isBoot === 'true', type: d.Type, sizeGb: Number(size), sizeParam: `Disks.${i}.Size`, ...(d.SnapshotId ? { snapshotId: d.SnapshotId } : {}) };
  });
}
