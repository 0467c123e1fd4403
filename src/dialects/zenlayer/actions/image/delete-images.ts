import { Type } from '@sinclair/typebox';
import { isKilnError, KilnError } from '../../../../core/errors.ts';
import { defineZecAction } from '../../action.ts';
import { strArray } from '../../protocol/params.ts';

/**
 * DeleteImages. An id that is not one of the caller's custom images fails the whole call
 * with INVALID_IMAGE_NOT_FOUND (the same answer for another account's image as for none);
 * an image that cannot be deleted yet (still CREATING) is returned in `imageIds`, the list
 * of ids that failed, as the page describes. Empty means every image was deleted.
 */
export const DeleteImages = defineZecAction({
  name: 'DeleteImages',
  summary: 'Deletes custom images; answers with the ids that could not be deleted yet (empty: all deleted).',
  params: {
    imageIds: strArray({ required: true, maxItems: 100 }),
  },
  answer: { imageIds: Type.Array(Type.String(), { description: 'the ids that failed' }) },
  errors: ['ImageNotFound', 'ImageNotCustom'],
  async handle({ services, principal }, p) {
    const ids = [...new Set(p.imageIds)];
    for (const id of ids) {
      const image = await services.images.getOwned(principal, 'zec', id);
      if (image.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${id} is not a custom image`, 'imageIds');
    }
    const failed: string[] = [];
    for (const id of ids) {
      // copy-image.yaml: while a copy runs the image's copies cannot be deleted.
      if (await services.imageReplication.isSyncing(id)) {
        failed.push(id);
        continue;
      }
      try {
        await services.images.terminate(principal, 'zec', id);
      } catch (e) {
        if (!isKilnError(e)) throw e;
        failed.push(id);
      }
    }
    return { imageIds: failed };
  },
});
