import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireZone } from './zone.ts';

export const StopCompShareInstance = defineAction({
  name: 'StopCompShareInstance',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    UHostId: str({ required: true }),
  },
  async handle({ services, principal }, p) {
    requireZone(services.config, p.Region, p.Zone);
    await services.instances.stop(principal, 'compshare', p.UHostId);
    return { UHostId: p.UHostId };
  },
});
