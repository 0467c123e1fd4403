import { Type } from '@sinclair/typebox';
import { defineZecAction } from '../../action.ts';
import { IMAGE_NAME, IMAGE_NAME_HINT } from '../../names.ts';
import { str, tags } from '../../protocol/params.ts';

/**
 * CreateImage (seed 004): captures a STOPPED, non-GPU instance into a custom image in the
 * instance's zone. Asynchronous: the image is CREATING and the instance IMAGING until the
 * capture job commits. Quota, GPU, busy and state rules are core's; the codes are error-map's.
 */
export const CreateImage = defineZecAction({
  name: 'CreateImage',
  summary: 'Captures a stopped, non-GPU instance into a custom image; CREATING until AVAILABLE or FAILED.',
  params: {
    instanceId: str({ required: true, doc: 'the instance to capture; it must be STOPPED' }),
    imageName: str({ required: true, pattern: IMAGE_NAME, patternHint: IMAGE_NAME_HINT }),
    resourceGroupId: str(),
    tags: tags(),
  },
  answer: { imageId: Type.String(), imageName: Type.String() },
  errors: ['InstanceNotFound', 'InstanceNotStopped', 'InstanceBusy', 'GpuInstanceNotSupported', 'NameTaken', 'QuotaExceeded'],
  async handle({ services, principal }, p) {
    const { image } = await services.images.capture(principal, 'zec', {
      instanceId: p.instanceId,
      name: p.imageName,
      attributes: { tags: p.tags, ...(p.resourceGroupId ? { resourceGroupId: p.resourceGroupId } : {}) },
    });
    return { imageId: image.id, imageName: image.name };
  },
});
