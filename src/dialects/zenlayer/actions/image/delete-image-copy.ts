import { KilnError } from '../../../../core/errors.ts';
import { defineZecAction } from '../../action.ts';
import { str, strArray } from '../../protocol/params.ts';
import { requireZecRegion } from '../../zec-regions.ts';

/**
 * DeleteImageCopy (delete-image-copy.yaml): deletes an image's copies in `regionIds`,
 * its own region included (another region with an available copy then becomes its
 * region). At least one region must keep a copy; an image that is not AVAILABLE, or has
 * a copy still syncing, is INVALID_IMAGE_STATUS; a region it has no copy in is an
 * invalid parameter. All regions go, or none.
 */
export const DeleteImageCopy = defineZecAction({
  name: 'DeleteImageCopy',
  summary: "Deletes a custom image's copies in some regions; at least one region keeps it.",
  params: {
    imageId: str({ required: true }),
    regionIds: strArray({ required: true, maxItems: 32 }),
  },
  answer: {},
  errors: ['MissingParameter', 'InvalidParameter', 'RegionNotFound', 'ImageNotFound', 'ImageNotCustom', 'ImageBusy'],
  async handle({ services, principal }, p) {
    const regions = [...new Set(p.regionIds)].map((id) => requireZecRegion(services.config, id, 'regionIds'));
    if (regions.length === 0) throw new KilnError('MissingParameter', 'regionIds is required', 'regionIds');
    const zoneOf = (region: string) => requireZecRegion(services.config, region, 'regionIds').defaultZone;
    try {
      await services.imageReplication.deleteCopies(
        principal,
        'zec',
        p.imageId,
        regions.map((r) => r.id),
        zoneOf,
      );
    } catch (e) {
      // Core names no parameter; on this action the regions are what is wrong.
      if (e instanceof KilnError && e.code === 'InvalidParameter' && e.param === undefined) throw new KilnError(e.code, e.message, 'regionIds');
      throw e;
    }
    return {};
  },
});
