import { Type } from '@sinclair/typebox';
import { KilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { enumOf, int, str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';
import { optionalDisksParam, toDiskRequests } from './disks-param.ts';
import { inLegacyTerms, legacyDiskParams, legacyDiskRequests, refuseMixedDiskForms, resolveUHostType } from './legacy-disks-param.ts';
import { LOGIN_MODES } from './login-params.ts';

export const CreateUHostInstance = defineAction({
  name: 'CreateUHostInstance',
  product: 'uhost',
  summary: 'Creates a host from an image; it is Initializing until its disks hold the image, then Running.',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    ImageId: str({ required: true }),
    // Required with Disks.N; the older form had no LoginMode and always used a password.
    LoginMode: enumOf(LOGIN_MODES, { doc: 'required with Disks.N; Password in the older form' }),
    Password: str({ doc: 'base64; required with LoginMode Password' }),
    KeyPairId: str({ doc: 'required with LoginMode KeyPair' }),
    Name: str({ default: 'UHost', maxLength: 63 }),
    Tag: str(),
    ChargeType: enumOf(['Year', 'Month', 'Dynamic', 'Postpay', 'Preemptive', 'Spot'] as const, { default: 'Month' }),
    CPU: int({ min: 1, max: 256, default: 4 }),
    Memory: int({ min: 1024, max: 4 * 1024 * 1024, default: 8192, doc: 'MB' }),
    GpuType: str(),
    GPU: int({ min: 0, max: 16, default: 0 }),
    MachineType: str(),
    UHostType: str({ maxLength: 16, doc: 'older form: N2, Normal, SATA_SSD, BigData, GPU, ...' }),
    HostType: enumOf(['N1', 'N2'] as const, { doc: 'older form' }),
    VPCId: str(),
    SubnetId: str(),
    Disks: optionalDisksParam,
    ...legacyDiskParams,
  },
  answer: { UHostIds: Type.Array(Type.String()), IPs: Type.Array(Type.String()) },
  errors: ['RegionNotFound', 'ZoneNotFound', 'ImageNotFound', 'ImageNotAvailable', 'QuotaExceeded'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    const zone = zoneIn(region, p.Zone);
    const newForm = p.Disks.length > 0;
    if (newForm) refuseMixedDiskForms(p);
    if (newForm && p.LoginMode === undefined) throw new KilnError('MissingParameter', 'LoginMode is required', 'LoginMode');
    const loginMode = p.LoginMode ?? 'Password';
    if (loginMode === 'Password' && !p.Password) throw new KilnError('MissingParameter', 'Password is required with LoginMode=Password', 'Password');
    if (loginMode === 'KeyPair' && !p.KeyPairId) throw new KilnError('MissingParameter', 'KeyPairId is required with LoginMode=KeyPair', 'KeyPairId');
    const instance = await services.instances
      .create(principal, 'uhost', {
        region: region.id,
        zone,
        imageId: p.ImageId,
        name: p.Name,
        cpu: p.CPU,
        memoryMb: p.Memory,
        gpuType: p.GPU > 0 ? (p.GpuType ?? 'T4') : null,
        gpuCount: p.GPU,
        disks: newForm ? toDiskRequests(p.Disks) : legacyDiskRequests(p),
        attributes: {
          loginMode,
          chargeType: p.ChargeType,
          vpcId: p.VPCId,
          subnetId: p.SubnetId,
          machineType: p.MachineType,
          uHostType: resolveUHostType(p.UHostType, p.HostType),
          hostType: p.HostType,
        },
      })
      .catch((e: unknown) => {
        throw newForm ? e : inLegacyTerms(e);
      });
    return { UHostIds: [instance.id], IPs: [] };
  },
});
