import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireZone } from './zone.ts';

export const TerminateCompShareCustomImage = defineAction({
  name: 'TerminateCompShareCustomImage',
  product: 'compshare',
  summary: "Deletes one of the caller's custom images (copies keep their data).",
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str({ required: true }),
  },
  answer: {},
  errors: ['RegionNotFound', 'ZoneNotFound', 'ImageNotFound', 'ImageNotCustom', 'ImageBusy', 'PermissionDenied'],
  async handle({ services, principal }, p) {
    requireZone(services.config, p.Region, p.Zone);
    // Owner only; chunks a copy still references stay until no manifest does (GC).
    await services.images.terminate(principal, 'compshare', p.CompShareImageId);
    return {};
  },
});
