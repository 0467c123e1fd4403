import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { bool, strArray } from '../../protocol/params.ts';
import { eachInstance } from './batch.ts';

/** StopInstances: the local driver stops at once, so forced and graceful shutdown are the same. */
export const StopInstances = defineZecAction({
  name: 'StopInstances',
  summary: 'Stops running instances; answers with the ids that failed.',
  params: {
    instanceIds: strArray({ required: true, maxItems: 100 }),
    forceShutdown: bool(),
  },
  answer: { instanceIds: Type.Array(Type.String(), { description: 'the ids that failed (empty: all succeeded)' }) },
  errors: ['InstanceNotFound', 'InstanceNotRunning', 'InstanceBusy'],
  async handle({ services, principal }, p) {
    return eachInstance(p.instanceIds, (id) => services.instances.stop(principal, 'zec', id));
  },
});
