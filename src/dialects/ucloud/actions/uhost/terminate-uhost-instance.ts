import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { literals } from '../../../schema/fields.ts';
import { bool, str } from '../../protocol/param-schema.ts';
import { requireRegion } from '../region.ts';

export const TerminateUHostInstance = defineAction({
  name: 'TerminateUHostInstance',
  product: 'uhost',
  summary: 'Deletes a host and its disks.',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    UHostId: str({ required: true }),
    ReleaseEIP: bool({ default: false }),
    ReleaseUDisk: bool({ default: false }),
  },
  answer: { UHostId: Type.String(), InRecycle: literals(['Yes', 'No']) },
  errors: ['RegionNotFound', 'InstanceNotFound', 'InstanceBusy'],
  async handle({ services, principal }, p) {
    requireRegion(services.config, p.Region);
    await services.instances.terminate(principal, 'uhost', p.UHostId);
    // The local driver deletes at once; there is no recycle bin.
    return { UHostId: p.UHostId, InRecycle: 'No' as const };
  },
});
