import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { bool, strArray } from '../../protocol/params.ts';
import { eachInstance } from './batch.ts';

/** ReleaseInstances: deletes instances and their disks; `dependResource` is accepted, the local driver has no EIPs or NICs to keep. */
export const ReleaseInstances = defineZecAction({
  name: 'ReleaseInstances',
  summary: 'Deletes instances and their disks; answers with the ids that failed.',
  params: {
    instanceIds: strArray({ required: true, maxItems: 100 }),
    dependResource: bool({ default: true }),
  },
  answer: { instanceIds: Type.Array(Type.String(), { description: 'the ids that failed (empty: all succeeded)' }) },
  errors: ['InstanceNotFound', 'InstanceBusy'],
  async handle({ services, principal }, p) {
    return eachInstance(p.instanceIds, (id) => services.instances.terminate(principal, 'zec', id));
  },
});
