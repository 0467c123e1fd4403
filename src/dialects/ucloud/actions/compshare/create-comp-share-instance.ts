import { Type } from '@sinclair/typebox';
import { KilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { bool, enumOf, int, str } from '../../protocol/param-schema.ts';
import { disksParam, toDiskRequests } from '../uhost/disks-param.ts';
import { requireZone } from './zone.ts';

export const CreateCompShareInstance = defineAction({
  name: 'CreateCompShareInstance',
  product: 'compshare',
  summary: 'Creates a GPU host from an official, own or community image; Initializing until its disks hold the image.',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    // The table names CompShareImageId; the page's example sends ImageId. Both are read.
    CompShareImageId: str({ doc: 'the image (or ImageId, as the example spells it); one is required' }),
    ImageId: str(),
    MachineType: str({ default: 'G', maxLength: 16 }),
    GPU: int({ required: true, min: 0, max: 16 }),
    // GpuType in the table, GPUType in the example.
    GpuType: str({ maxLength: 32, doc: 'required when GPU > 0 (or GPUType)' }),
    GPUType: str({ maxLength: 32 }),
    CPU: int({ min: 1, max: 256, default: 4 }),
    Memory: int({ min: 1024, max: 4 * 1024 * 1024, default: 8192, doc: 'MB' }),
    LoginMode: enumOf(['Password', 'KeyPair', 'ImagePasswd'] as const, { default: 'Password' }),
    ChargeType: enumOf(['Year', 'Month', 'Day', 'Dynamic', 'Postpay', 'Spot', 'Preemptive'] as const, { default: 'Month' }),
    Quantity: int({ min: 0, max: 60 }),
    MinimalCpuPlatform: str({ maxLength: 32 }),
    Password: str({ maxLength: 256 }),
    Name: str({ default: 'CompShare', maxLength: 63 }),
    SecurityGroupId: str(),
    EnableUS3: bool({ default: false }),
    Disks: disksParam,
  },
  answer: { UHostIds: Type.Array(Type.String()), IPs: Type.Array(Type.String()) },
  errors: ['RegionNotFound', 'ZoneNotFound', 'ImageNotFound', 'ImageNotAvailable', 'QuotaExceeded'],
  async handle({ services, principal }, p) {
    const { region, zone } = requireZone(services.config, p.Region, p.Zone);
    const imageId = p.CompShareImageId ?? p.ImageId;
    if (imageId === undefined) throw new KilnError('MissingParameter', 'CompShareImageId is required', 'CompShareImageId');
    const gpuType = p.GpuType ?? p.GPUType;
    if (p.GPU > 0 && gpuType === undefined) throw new KilnError('MissingParameter', 'GpuType is required for a GPU instance', 'GpuType');
    // Official base images, the caller's own custom images and community images are all
    // usable; core checks the caller may see the image and that it is available.
    const instance = await services.instances.create(principal, 'compshare', {
      region,
      zone,
      imageId,
      name: p.Name,
      cpu: p.CPU,
      memoryMb: p.Memory,
      gpuType: p.GPU > 0 ? gpuType! : null,
      gpuCount: p.GPU,
      disks: toDiskRequests(p.Disks),
      attributes: { chargeType: p.ChargeType, machineType: p.MachineType, minimalCpuPlatform: p.MinimalCpuPlatform, securityGroupId: p.SecurityGroupId },
    });
    return { UHostIds: [instance.id], IPs: [] };
  },
});
