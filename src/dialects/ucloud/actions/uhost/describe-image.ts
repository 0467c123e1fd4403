import { Type } from '@sinclair/typebox';
import type { Image, ImageKind } from '../../../../core/model.ts';
import { AnswerMemo } from '../../../reusable-answer.ts';
import { defineAction } from '../../action.ts';
import { enumOf, int, str, strArray } from '../../protocol/param-schema.ts';
import { toUHostImageSet, UHostImageSet } from '../../models/uhost-image-set.ts';
import { requireRegion, zoneIn } from '../region.ts';

// One answer per cached listing result: a repeated request is sent the bytes of the last.
const answers = new AnswerMemo((listed: { items: Image[]; total: number }) => ({ TotalCount: listed.total, ImageSet: listed.items.map(toUHostImageSet) }));

const kindsFor: Record<'Base' | 'Business' | 'Custom', ImageKind[]> = { Base: ['base'], Business: [], Custom: ['custom'] };

export const DescribeImage = defineAction({
  name: 'DescribeImage',
  product: 'uhost',
  summary: "Lists the base images and the caller's custom images in the region asked, newest first (Zone is checked, not filtered on: images are regional).",
  params: {
    Region: str({ required: true }),
    Zone: str(),
    ImageType: enumOf(['Base', 'Business', 'Custom'] as const),
    FuncType: str(),
    OsType: enumOf(['Linux', 'Windows'] as const),
    ImageId: str(),
    ImageIds: strArray({ maxItems: 100 }),
    Tag: str(),
    Offset: int({ min: 0, default: 0 }),
    Limit: int({ min: 0, max: 1000, default: 20 }),
    PriceSet: int(),
  },
  answer: { TotalCount: Type.Integer(), ImageSet: Type.Array(UHostImageSet) },
  errors: ['RegionNotFound', 'ZoneNotFound'],
  async handle({ services, principal }, p) {
    const region = requireRegion(services.config, p.Region);
    if (p.Zone !== undefined) zoneIn(region, p.Zone);
    const ids = [...(p.ImageId ? [p.ImageId] : []), ...p.ImageIds];
    const listed = await services.images.list(principal, 'uhost', {
      kinds: p.ImageType ? kindsFor[p.ImageType] : ['base', 'custom'],
      imageIds: ids.length > 0 ? ids : undefined,
      osType: p.OsType,
      // An image copied to another region is listed there, not here; TotalCount counts this region.
      region: region.id,
      offset: p.Offset,
      limit: p.Limit,
    });
    return answers.get(listed);
  },
});
