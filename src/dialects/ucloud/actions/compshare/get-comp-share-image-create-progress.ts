import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireZone } from './zone.ts';

export const GetCompShareImageCreateProgress = defineAction({
  name: 'GetCompShareImageCreateProgress',
  product: 'compshare',
  summary: 'How far the making of a custom image has got.',
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str({ required: true }),
  },
  answer: {
    Process: Type.Number({ description: 'percent, 0-100; 100 once the image is Available' }),
    TotalDuration: Type.String({ description: 'whole seconds; empty while there is no rate to estimate from' }),
    RemainingDuration: Type.String({ description: 'whole seconds; empty while there is no rate to estimate from' }),
  },
  errors: ['RegionNotFound', 'ZoneNotFound', 'ImageNotFound'],
  async handle({ services, principal }, p) {
    requireZone(services.config, p.Region, p.Zone);
    const pr = await services.images.progress(principal, 'compshare', p.CompShareImageId);
    const percent = pr.fraction * 100;
    // 100 means the image is committed: the job's bytes can all be read a moment before
    // that, and a failed image stays where its job stopped.
    const process = pr.state === 'available' ? 100 : Math.min(percent, 99.99);
    const remaining = pr.state === 'making' ? pr.remainingSeconds : 0;
    return {
      Process: Math.round(process * 100) / 100,
      // Strings of whole seconds, as the page types them; empty while there is no rate to estimate from.
      TotalDuration: remaining === null ? '' : String(pr.elapsedSeconds + remaining),
      RemainingDuration: remaining === null ? '' : String(remaining),
    };
  },
});
