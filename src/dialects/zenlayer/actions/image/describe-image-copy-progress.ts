import { Type } from '@sinclair/typebox';
import { literals } from '../../../schema/fields.ts';
import { defineZecAction } from '../../action.ts';
import { str } from '../../protocol/params.ts';
import { zoneInfo } from '../../zone-info.ts';

const CopyProgress = Type.Object({
  destRegionId: Type.String(),
  destRegionName: Type.String(),
  syncStage: literals(['PREPARING', 'TRANSFERRING']),
  queued: Type.Boolean({ description: 'waiting for a worker' }),
  syncPercent: Type.Number({ description: 'two decimals, e.g. 74.23' }),
  errorInfo: Type.String({ description: "the last attempt's error, if it is being retried" }),
});

/**
 * DescribeImageCopyProgress (describe-image-copy-progress.yaml): the copies of an image
 * still SYNCING, one entry per target region; finished copies are not listed, so an
 * image with none syncing answers an empty list. A copy is PREPARING until its job has
 * checked a first chunk, then TRANSFERRING.
 */
export const DescribeImageCopyProgress = defineZecAction({
  name: 'DescribeImageCopyProgress',
  summary: 'Progress of the copies of a custom image still syncing, per target region.',
  params: {
    imageId: str({ required: true }),
  },
  answer: { dataSet: Type.Array(CopyProgress) },
  errors: ['ImageNotFound', 'ImageNotCustom'],
  async handle({ services, principal }, p) {
    const progress = await services.imageReplication.progress(principal, 'zec', p.imageId);
    return {
      dataSet: progress.map((c) => {
        const region = services.config.zenlayer.regions.find((r) => r.id === c.region);
        return {
          destRegionId: c.region,
          destRegionName: (region && zoneInfo(region.defaultZone).cityName) || c.region,
          syncStage: c.done > 0 ? ('TRANSFERRING' as const) : ('PREPARING' as const),
          queued: c.queued,
          syncPercent: c.total > 0 ? Math.round((c.done / c.total) * 10_000) / 100 : 0,
          errorInfo: c.error ?? '',
        };
      }),
    };
  },
});
