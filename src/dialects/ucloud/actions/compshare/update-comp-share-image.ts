import { KilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { int, str } from '../../protocol/param-schema.ts';
import { imageMetadataParams, metadataPatch } from './image-metadata-params.ts';
import { requireZone } from './zone.ts';

export const UpdateCompShareImage = defineAction({
  name: 'UpdateCompShareImage',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str({ required: true }),
    // Not on the page, which has no way to rename; the issue asks for one. Unique per account.
    Name: str({ maxLength: 63 }),
    Visibility: int({ min: 0, max: 1 }),
    ...imageMetadataParams,
  },
  async handle({ services, principal, flat }, p) {
    requireZone(services.config, p.Region, p.Zone);
    const image = await services.images.getOwned(principal, 'compshare', p.CompShareImageId);
    // Refused before anything changes, so a failed publish leaves no half-applied update.
    if (p.Visibility === 1 && image.state !== 'available') {
      throw new KilnError('ImageNotAvailable', `image ${image.id} is ${image.state}; only an available image can be made public`, 'Visibility');
    }
    await services.images.update(principal, 'compshare', image.id, {
      ...(p.Name !== undefined ? { name: p.Name } : {}),
      ...(p.Description !== undefined ? { description: p.Description } : {}),
      attributes: metadataPatch(image, p, flat),
    });
    if (p.Visibility === 1) await services.imageSharing.publish(principal, 'compshare', image.id);
    if (p.Visibility === 0) await services.imageSharing.unpublish(principal, 'compshare', image.id);
    return {};
  },
});
