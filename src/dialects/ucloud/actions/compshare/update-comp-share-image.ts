import { KilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { int, str } from '../../protocol/param-schema.ts';
import { imageMetadataParams, metadataPatch } from './image-metadata-params.ts';
import { requireZone } from './zone.ts';

export const UpdateCompShareImage = defineAction({
  name: 'UpdateCompShareImage',
  product: 'compshare',
  summary: "Changes a custom image's name, description and catalogue metadata, or its visibility.",
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str({ required: true }),
    // Not on the page, which has no way to rename; the issue asks for one. Unique per account.
    Name: str({ maxLength: 63, doc: "renames the image (unique among the account's images)" }),
    Visibility: int({ min: 0, max: 1, doc: '1 publishes, 0 withdraws' }),
    ...imageMetadataParams,
  },
  answer: {},
  errors: ['RegionNotFound', 'ZoneNotFound', 'ImageNotFound', 'ImageNotCustom', 'ImageNotAvailable', 'NameTaken'],
  async handle({ services, principal }, p) {
    requireZone(services.config, p.Region, p.Zone);
    const image = await services.images.getOwned(principal, 'compshare', p.CompShareImageId);
    // Refused before anything changes, so a failed publish leaves no half-applied update.
    if (p.Visibility === 1 && image.state !== 'available') {
      throw new KilnError('ImageNotAvailable', `image ${image.id} is ${image.state}; only an available image can be made public`, 'Visibility');
    }
    await services.images.update(principal, 'compshare', image.id, {
      ...(p.Name !== undefined ? { name: p.Name } : {}),
      ...(p.Description !== undefined ? { description: p.Description } : {}),
      ...metadataPatch(p),
    });
    if (p.Visibility === 1) await services.catalogue.publish(principal, 'compshare', image.id);
    if (p.Visibility === 0) await services.catalogue.unpublish(principal, 'compshare', image.id);
    return {};
  },
});
