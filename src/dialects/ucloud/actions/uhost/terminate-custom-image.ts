import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireRegion } from '../region.ts';

export const TerminateCustomImage = defineAction({
  name: 'TerminateCustomImage',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    ImageId: str({ required: true }),
  },
  async handle({ services, principal }, p) {
    requireRegion(services.config, p.Region);
    await services.images.terminate(principal, 'uhost', p.ImageId);
    return { ImageId: p.ImageId };
  },
});
