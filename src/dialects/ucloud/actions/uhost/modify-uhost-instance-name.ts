import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';

export const ModifyUHostInstanceName = defineAction({
  name: 'ModifyUHostInstanceName',
  product: 'uhost',
  summary: 'Renames a host.',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostId: str({ required: true }),
    // Optional on the page; an absent name falls back to the create default, as an empty one would.
    Name: str({ default: 'UHost', maxLength: 63 }),
  },
  answer: { UHostId: Type.String(), UhostId: Type.String({ description: 'the same id, as the SDK structs spell it' }) },
  errors: ['RegionNotFound', 'ZoneNotFound', 'InstanceNotFound', 'InstanceBusy'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    if (p.Zone !== undefined) zoneIn(region, p.Zone);
    const host = await services.instances.rename(principal, 'uhost', p.UHostId, p.Name);
    return { UHostId: host.id, UhostId: host.id };
  },
});
