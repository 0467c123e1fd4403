import { defineZecAction } from '../../action.ts';
import { bool, strArray } from '../../protocol/params.ts';
import { eachInstance } from './batch.ts';

/** StopInstances: the local driver stops at once, so forced and graceful shutdown are the same. */
export const StopInstances = defineZecAction({
  name: 'StopInstances',
  params: {
    instanceIds: strArray({ required: true, maxItems: 100 }),
    forceShutdown: bool(),
  },
  async handle({ services, principal }, p) {
    return eachInstance(p.instanceIds, (id) => services.instances.stop(principal, 'zec', id));
  },
});
