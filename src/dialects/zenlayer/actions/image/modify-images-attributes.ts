import { KilnError } from '../../../../core/errors.ts';
import { defineZecAction } from '../../action.ts';
import { IMAGE_NAME, IMAGE_NAME_HINT } from '../../names.ts';
import { str, strArray } from '../../protocol/params.ts';

/**
 * ModifyImagesAttributes: renames custom images, or changes their description. The page
 * lists only imageName (required); imageDescription is accepted too, since the Image
 * model reports it and Zenlayer's earlier VM API took it in this very action. A call
 * must send one of them. All ids change in one transaction: one unknown id
 * (INVALID_IMAGE_NOT_FOUND) leaves all of them as they were.
 */
export const ModifyImagesAttributes = defineZecAction({
  name: 'ModifyImagesAttributes',
  summary: 'Renames custom images or changes their description; one unknown id changes none of them.',
  params: {
    imageIds: strArray({ required: true, maxItems: 100 }),
    imageName: str({ pattern: IMAGE_NAME, patternHint: IMAGE_NAME_HINT, doc: 'required by the page unless imageDescription is sent' }),
    imageDescription: str({ maxLength: 255, multiline: true, doc: 'not on the page (Image model field; the VM API took it here)' }),
  },
  answer: {},
  errors: ['MissingParameter', 'ImageNotFound', 'ImageNotCustom', 'NameTaken'],
  async handle({ services, principal }, p) {
    if (p.imageName === undefined && p.imageDescription === undefined) {
      throw new KilnError('MissingParameter', 'imageName is required', 'imageName');
    }
    await services.images.updateMany(principal, 'zec', [...new Set(p.imageIds)], {
      ...(p.imageName !== undefined ? { name: p.imageName } : {}),
      ...(p.imageDescription !== undefined ? { description: p.imageDescription } : {}),
    });
    return {};
  },
});
