import { type Static, Type } from '@sinclair/typebox';
import type { Image } from '../../../../core/model.ts';
import type { KilnServices } from '../../../../core/services.ts';
import { AsyncAnswerMemo } from '../../../reusable-answer.ts';
import { defineAction } from '../../action.ts';
import { CompShareImage } from '../../models/compshare-image.ts';
import { int, str } from '../../protocol/param-schema.ts';
import { compShareImageViews } from './image-views.ts';
import { requireZone } from './zone.ts';

type Listed = { items: Image[]; total: number };

// One answer per kept listing, for each readme choice: the instance counts and owner names
// it shows are covered by the catalogue version the listing was kept against (a use of a
// custom image moves that version; account names never change), so a repeated request is
// sent the bytes of the last.
const answers = { withReadme: new AsyncAnswerMemo<Listed, Answer>(), plain: new AsyncAnswerMemo<Listed, Answer>() };

interface Answer {
  TotalCount: number;
  ImageSet: Static<typeof CompShareImage>[];
}

function answerOf(services: KilnServices, listed: Listed, withReadme: boolean): Promise<Answer> {
  return (withReadme ? answers.withReadme : answers.plain).get(listed, async (l) => ({
    TotalCount: l.total,
    ImageSet: await compShareImageViews(services, l.items, { withReadme, asCommunity: false }),
  }));
}

export const DescribeCompShareCustomImages = defineAction({
  name: 'DescribeCompShareCustomImages',
  product: 'compshare',
  summary: "Lists the caller's custom images in a zone, oldest first (so pages stay stable while images are made).",
  params: {
    Region: str({ required: true }),
    Zone: str({ required: true }),
    CompShareImageId: str(),
    Offset: int({ min: 0, default: 0 }),
    Limit: int({ min: 0, max: 100, default: 20 }),
  },
  answer: { TotalCount: Type.Integer(), ImageSet: Type.Array(CompShareImage) },
  errors: ['RegionNotFound', 'ZoneNotFound'],
  async handle({ services, principal }, p) {
    const { zone } = requireZone(services.config, p.Region, p.Zone);
    const listed = await services.images.list(principal, 'compshare', {
      kinds: ['custom'],
      imageIds: p.CompShareImageId ? [p.CompShareImageId] : undefined,
      zone,
      offset: p.Offset,
      limit: p.Limit,
      // Creation order: images made while a caller pages land after the pages it has read.
      order: 'oldest',
    });
    return answerOf(services, listed, p.CompShareImageId !== undefined);
  },
});
