import { defineZecAction } from '../../action.ts';
import { IMAGE_NAME, IMAGE_NAME_HINT } from '../../names.ts';
import { str, strArray } from '../../protocol/params.ts';

/**
 * ModifyImagesAttributes: renames custom images. Every id is checked before any is changed,
 * so one unknown id (INVALID_IMAGE_NOT_FOUND) leaves all of them as they were.
 */
export const ModifyImagesAttributes = defineZecAction({
  name: 'ModifyImagesAttributes',
  summary: 'Renames custom images; one unknown id changes none of them.',
  params: {
    imageIds: strArray({ required: true, maxItems: 100 }),
    imageName: str({ required: true, pattern: IMAGE_NAME, patternHint: IMAGE_NAME_HINT }),
  },
  answer: {},
  errors: ['ImageNotFound', 'NameTaken'],
  async handle({ services, principal }, p) {
    const ids = [...new Set(p.imageIds)];
    for (const id of ids) await services.images.getOwned(principal, 'zec', id);
    for (const id of ids) await services.images.update(principal, 'zec', id, { name: p.imageName });
    return {};
  },
});
