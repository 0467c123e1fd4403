import { KilnError } from '../../../../core/errors.ts';
import { defineZecAction } from '../../action.ts';
import { str, strArray } from '../../protocol/params.ts';
import { requireZecRegion } from '../../zec-regions.ts';

/**
 * CopyImage (copy-image.yaml): copies a custom image to other regions under the same id.
 * In each target region the image is SYNCING, then AVAILABLE or FAILED (DescribeCustomImages
 * with that regionId). While a copy runs the image cannot be copied again
 * (INVALID_IMAGE_STATUS); a region the image is already in is an invalid parameter. All
 * regions start, or none. Every configured region is in one country group here, so the
 * page's "no cross-border copy" rule has nothing to refuse.
 */
export const CopyImage = defineZecAction({
  name: 'CopyImage',
  summary: 'Copies a custom image to other regions (same id); SYNCING there until AVAILABLE or FAILED.',
  params: {
    imageId: str({ required: true }),
    regionIdList: strArray({ required: true, maxItems: 32 }),
  },
  answer: {},
  errors: ['MissingParameter', 'RegionNotFound', 'ImageNotFound', 'ImageNotCustom', 'ImageNotAvailable', 'ImageBusy', 'CopyToSource'],
  async handle({ services, principal }, p) {
    const regions = [...new Set(p.regionIdList)].map((id) => requireZecRegion(services.config, id, 'regionIdList'));
    if (regions.length === 0) throw new KilnError('MissingParameter', 'regionIdList is required', 'regionIdList');
    await services.imageReplication.copyToRegions(
      principal,
      'zec',
      p.imageId,
      regions.map((r) => ({ region: r.id, zone: r.defaultZone })),
    );
    return {};
  },
});
