import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';

export const CopyCompShareCustomImage = defineAction({
  name: 'CopyCompShareCustomImage',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    CompShareImageId: str({ required: true }),
    TargetImageName: str({ maxLength: 63 }),
  },
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    if (p.Zone !== undefined) zoneIn(region, p.Zone);
    // Shares the source's chunks: instant, and Available at once. Catalogue fields that
    // belong to a publication (price, auto start) are not carried over to the private copy.
    const copy = await services.imageSharing.copy(principal, 'compshare', p.CompShareImageId, {
      name: p.TargetImageName,
      attributes: { price: undefined, autoStart: undefined },
    });
    return { NewCompShareImageId: copy.id };
  },
});
