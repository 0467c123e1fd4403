import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireRegion } from '../region.ts';

export const StartUHostInstance = defineAction({
  name: 'StartUHostInstance',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostId: str({ required: true }),
    DiskPassword: str(),
  },
  async handle({ services, principal }, p) {
    requireRegion(services.config, p.Region);
    await services.instances.start(principal, 'uhost', p.UHostId);
    return { UHostId: p.UHostId };
  },
});
