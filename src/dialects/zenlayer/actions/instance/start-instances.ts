import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { strArray } from '../../protocol/params.ts';
import { eachInstance } from './batch.ts';

/** StartInstances: STOPPED -> RUNNING; an instance being imaged stays stopped (IN_OPERATION). */
export const StartInstances = defineZecAction({
  name: 'StartInstances',
  summary: 'Starts stopped instances; answers with the ids that failed.',
  params: {
    instanceIds: strArray({ required: true, maxItems: 100 }),
  },
  answer: { instanceIds: Type.Array(Type.String(), { description: 'the ids that failed (empty: all succeeded)' }) },
  errors: ['InstanceNotFound', 'InstanceNotStopped', 'InstanceBusy'],
  async handle({ services, principal }, p) {
    return eachInstance(p.instanceIds, (id) => services.instances.start(principal, 'zec', id));
  },
});
