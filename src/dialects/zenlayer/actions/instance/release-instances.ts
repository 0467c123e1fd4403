import { defineZecAction } from '../../action.ts';
import { bool, strArray } from '../../protocol/params.ts';
import { eachInstance } from './batch.ts';

/** ReleaseInstances: deletes instances and their disks; `dependResource` is accepted, the local driver has no EIPs or NICs to keep. */
export const ReleaseInstances = defineZecAction({
  name: 'ReleaseInstances',
  params: {
    instanceIds: strArray({ required: true, maxItems: 100 }),
    dependResource: bool({ default: true }),
  },
  async handle({ services, principal }, p) {
    return eachInstance(p.instanceIds, (id) => services.instances.terminate(principal, 'zec', id));
  },
});
