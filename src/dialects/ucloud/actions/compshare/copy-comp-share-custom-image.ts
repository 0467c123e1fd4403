import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';

export const CopyCompShareCustomImage = defineAction({
  name: 'CopyCompShareCustomImage',
  product: 'compshare',
  summary: 'Copies an image the caller can see (own or community) into a private custom image; Available at once.',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    CompShareImageId: str({ required: true }),
    TargetImageName: str({ maxLength: 63 }),
  },
  answer: { NewCompShareImageId: Type.String() },
  errors: ['RegionNotFound', 'ZoneNotFound', 'ImageNotFound', 'ImageNotCustom', 'ImageNotAvailable', 'NameTaken', 'QuotaExceeded'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    if (p.Zone !== undefined) zoneIn(region, p.Zone);
    // Shares the source's chunks: instant, and Available at once. Catalogue fields that
    // belong to a publication (price, auto start) are not carried over to the private copy.
    const copy = await services.imageCopies.copy(principal, 'compshare', p.CompShareImageId, {
      name: p.TargetImageName,
      attributes: { price: undefined, autoStart: undefined },
    });
    return { NewCompShareImageId: copy.id };
  },
});
