import { defineZecAction } from '../../action.ts';
import { strArray } from '../../protocol/params.ts';
import { eachInstance } from './batch.ts';

/** StartInstances: STOPPED -> RUNNING; an instance being imaged stays stopped (IN_OPERATION). */
export const StartInstances = defineZecAction({
  name: 'StartInstances',
  params: {
    instanceIds: strArray({ required: true, maxItems: 100 }),
  },
  async handle({ services, principal }, p) {
    return eachInstance(p.instanceIds, (id) => services.instances.start(principal, 'zec', id));
  },
});
