import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireRegion } from '../region.ts';

export const TerminateCustomImage = defineAction({
  name: 'TerminateCustomImage',
  product: 'uhost',
  summary: "Deletes one of the caller's custom images.",
  params: {
    Region: str({ required: true }),
    Zone: str(),
    ImageId: str({ required: true }),
  },
  answer: { ImageId: Type.String() },
  errors: ['RegionNotFound', 'ImageNotFound', 'ImageNotCustom', 'ImageBusy', 'PermissionDenied'],
  async handle({ services, principal }, p) {
    requireRegion(services.config, p.Region);
    await services.images.terminate(principal, 'uhost', p.ImageId);
    return { ImageId: p.ImageId };
  },
});
