import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { enumOf, int, str, strArray } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';
import { checkReinstallLogin, LOGIN_MODES } from './login-params.ts';

export const ReinstallUHostInstance = defineAction({
  name: 'ReinstallUHostInstance',
  product: 'uhost',
  summary: 'Gives a stopped host a new system disk from a base or custom image; Installing until written, then Running.',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostId: str({ required: true }),
    ImageId: str({ doc: "the host's current image when absent" }),
    Password: str({ maxLength: 256, doc: 'base64; required when the host logs in with a password' }),
    LoginMode: enumOf(LOGIN_MODES, { doc: 'as at create; it cannot change' }),
    KeyPairId: str(),
    ReserveDisk: enumOf(['Yes', 'No'] as const, { default: 'Yes', doc: 'Yes keeps the data disks; No gives them back empty' }),
    ResourceType: int(),
    DNSServers: strArray({ maxItems: 3 }),
  },
  answer: { UHostId: Type.String(), UhostId: Type.String({ description: 'the same id, as the SDK structs spell it' }) },
  errors: [
    'RegionNotFound',
    'ZoneNotFound',
    'InstanceNotFound',
    'InstanceNotStopped',
    'InstanceBusy',
    'ImageNotFound',
    'ImageNotAvailable',
    'InvalidParameter',
    'MissingParameter',
    'DiskQuotaExceeded',
  ],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    if (p.Zone !== undefined) zoneIn(region, p.Zone);
    const host = await services.instances.get(principal, 'uhost', p.UHostId);
    checkReinstallLogin(host, p);
    await services.instances.reinstall(principal, 'uhost', {
      instanceId: host.id,
      ...(p.ImageId ? { imageId: p.ImageId } : {}),
      keepDataDisks: p.ReserveDisk === 'Yes',
    });
    return { UHostId: host.id, UhostId: host.id };
  },
});
