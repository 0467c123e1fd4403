import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';
import { requireBase64Password } from './login-params.ts';

export const ResetUHostInstancePassword = defineAction({
  name: 'ResetUHostInstancePassword',
  product: 'uhost',
  summary: "Sets a stopped host's login password (base64).",
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostId: str({ required: true }),
    Password: str({ required: true, maxLength: 256, doc: 'base64' }),
  },
  answer: { UHostId: Type.String(), UhostId: Type.String({ description: 'the same id, as the SDK structs spell it' }) },
  errors: ['RegionNotFound', 'ZoneNotFound', 'InstanceNotFound', 'InstanceNotStopped', 'InvalidParameter'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    if (p.Zone !== undefined) zoneIn(region, p.Zone);
    requireBase64Password(p.Password);
    const host = await services.instances.resetPassword(principal, 'uhost', p.UHostId);
    return { UHostId: host.id, UhostId: host.id };
  },
});
