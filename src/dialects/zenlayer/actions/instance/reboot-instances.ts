import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { bool, strArray } from '../../protocol/params.ts';
import { eachInstance } from './batch.ts';

/** RebootInstances: a running local instance has nothing to restart, so a reboot only checks it is RUNNING. */
export const RebootInstances = defineZecAction({
  name: 'RebootInstances',
  summary: 'Reboots running instances; answers with the ids that failed.',
  params: {
    instanceIds: strArray({ required: true, maxItems: 100 }),
    forceReboot: bool(),
  },
  answer: { instanceIds: Type.Array(Type.String(), { description: 'the ids that failed (empty: all succeeded)' }) },
  errors: ['InstanceNotFound', 'InstanceNotRunning', 'InstanceBusy'],
  async handle({ services, principal }, p) {
    return eachInstance(p.instanceIds, (id) => services.instances.reboot(principal, 'zec', id));
  },
});
