import { Type } from '@sinclair/typebox';
import { regionOf, type KilnConfig, type RegionConfig } from '../../../../config/config.ts';
import { isKilnError, KilnError } from '../../../../core/errors.ts';
import type { CopyTarget } from '../../../../core/images/image-copies.ts';
import { defineAction } from '../../action.ts';
import { str, strArray } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';

const CopyImageTaskInfo = Type.Object({ TaskId: Type.String(), TargetImageId: Type.String(), TargetRegion: Type.String() });

/**
 * CopyCustomImage (uhost/copy_custom_image.md): copies one of the caller's available
 * custom images to a region and project of the same account, its own included (the page
 * makes TargetRegion optional and forbids nothing about the project: a copy within one
 * region and project duplicates the image under a new id). The copy shares
 * the source's chunks, but the call keeps the vendor's asynchronous shape: the target
 * image is Making until its job (TaskId) commits it, then Available; poll DescribeImage.
 * TargetRegionList.N copies to several regions at once (all or none) and answers with
 * Infos instead of TargetImageId/TaskId, as the page describes.
 */
export const CopyCustomImage = defineAction({
  name: 'CopyCustomImage',
  product: 'uhost',
  summary: 'Copies a custom image to a region and project of the account (its own too: a duplicate); the copy is Making until its task commits it.',
  params: {
    Region: str({ required: true }),
    Zone: str(),
    SourceImageId: str({ required: true }),
    TargetProjectId: str({ required: true, doc: "a project of the caller's account, the current one included" }),
    TargetRegion: str({ doc: 'the target region; the source region when absent' }),
    TargetImageName: str({ maxLength: 63, doc: "the source's name when absent" }),
    TargetImageDescription: str({ maxLength: 255, multiline: true, doc: "the source's description when absent" }),
    TargetRegionList: strArray({ maxItems: 16, doc: 'several target regions at once (batch); the answer is then Infos' }),
  },
  answer: {
    TargetImageId: Type.Optional(Type.String({ description: 'only when one region is copied to' })),
    TaskId: Type.Optional(Type.String({ description: 'only when one region is copied to' })),
    Infos: Type.Optional(Type.Array(CopyImageTaskInfo, { description: 'only for TargetRegionList' })),
  },
  errors: ['RegionNotFound', 'ZoneNotFound', 'ProjectNotFound', 'ImageNotFound', 'ImageNotCustom', 'ImageNotAvailable', 'QuotaExceeded', 'PermissionDenied'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    if (p.Zone !== undefined) zoneIn(region, p.Zone);
    const batch = p.TargetRegionList.length > 0;
    // No TargetRegion: the copy stays in the source's region ("不跨地域可不填").
    const regions = batch
      ? [...new Set(p.TargetRegionList)].map((r) => targetRegion(services.config, r, 'TargetRegionList'))
      : [p.TargetRegion === undefined ? undefined : targetRegion(services.config, p.TargetRegion, 'TargetRegion')];
    const targets: CopyTarget[] = regions.map((r) => ({ projectId: p.TargetProjectId, ...(r ? { place: { region: r.id, zone: r.defaultZone } } : {}) }));
    let copies;
    try {
      copies = await services.imageCopies.copyAcross(principal, 'uhost', p.SourceImageId, targets, {
        ...(p.TargetImageName !== undefined ? { name: p.TargetImageName } : {}),
        ...(p.TargetImageDescription !== undefined ? { description: p.TargetImageDescription } : {}),
      });
    } catch (e) {
      if (isKilnError(e) && e.code === 'ProjectNotFound') {
        throw new KilnError('ProjectNotFound', `TargetProjectId ${p.TargetProjectId} is not a project of this account`, 'TargetProjectId');
      }
      throw e;
    }
    if (batch) return { Infos: copies.map((c) => ({ TaskId: c.jobId, TargetImageId: c.image.id, TargetRegion: c.image.region })) };
    const [only] = copies;
    if (!only) throw new KilnError('Internal', 'no copy was made');
    return { TargetImageId: only.image.id, TaskId: only.jobId };
  },
});

/** A configured region named as a copy's target; an unknown one is an error naming `param`. */
function targetRegion(config: KilnConfig, id: string, param: string): RegionConfig {
  const r = regionOf(config, id);
  if (!r) throw new KilnError('RegionNotFound', `region ${id} is not served here`, param);
  return r;
}
