import { Type } from '@sinclair/typebox';
import { KilnError } from '../../../../core/errors.ts';
import { defineAction } from '../../action.ts';
import { bool, decimal, str } from '../../protocol/param-schema.ts';
import { imageMetadataParams, metadataPatch } from './image-metadata-params.ts';
import { requireZone } from './zone.ts';

/**
 * Publishes in place: the custom image itself becomes the community entry (Visibility 1),
 * so NewCompShareImageId, which the page's example shows, is the same id.
 */
export const PublishCompShareImage = defineAction({
  name: 'PublishCompShareImage',
  product: 'compshare',
  summary: 'Publishes an available custom image to the community catalogue (in place: the id stays the same).',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str({ required: true }),
    Price: decimal({ required: true, min: 0, max: 1_000_000 }),
    // The name shown in the community: the image is renamed, as it is its own entry.
    CommunityImageName: str({ maxLength: 63, doc: 'renames the image' }),
    AutoStart: bool(),
    ...imageMetadataParams,
  },
  answer: { NewCompShareImageId: Type.String({ description: 'the same id: the image itself is published' }) },
  errors: ['RegionNotFound', 'ZoneNotFound', 'ImageNotFound', 'ImageNotCustom', 'ImageNotAvailable', 'NameTaken'],
  async handle({ services, principal }, p) {
    requireZone(services.config, p.Region, p.Zone);
    const image = await services.images.getOwned(principal, 'compshare', p.CompShareImageId);
    // Checked before the rename below, so a refused publish changes nothing.
    if (image.state !== 'available') {
      throw new KilnError('ImageNotAvailable', `image ${image.id} is ${image.state}; only an available image can be published`, 'CompShareImageId');
    }
    if (p.CommunityImageName !== undefined || p.Description !== undefined) {
      await services.images.update(principal, 'compshare', image.id, {
        ...(p.CommunityImageName !== undefined ? { name: p.CommunityImageName } : {}),
        ...(p.Description !== undefined ? { description: p.Description } : {}),
      });
    }
    const metadata = metadataPatch(p);
    await services.catalogue.publish(principal, 'compshare', image.id, {
      ...metadata,
      attributes: { ...metadata.attributes, price: Math.round(p.Price * 100) / 100, ...(p.AutoStart !== undefined ? { autoStart: p.AutoStart } : {}) },
    });
    return { NewCompShareImageId: image.id };
  },
});
