import { Type } from '@sinclair/typebox';
import type { KilnServices } from '../../../../core/services.ts';
import type { Image } from '../../../../core/model.ts';
import { defineAction } from '../../action.ts';
import { readCompShareAttributes } from '../../models/compshare-attributes.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';

type Page = (offset: number) => Promise<{ items: Image[] }>;
const PAGE = 100;

export const DescribeCompShareImageTags = defineAction({
  name: 'DescribeCompShareImageTags',
  product: 'compshare',
  summary: 'Lists the tags used by the official and community images, sorted, each once.',
  params: {
    Region: str(),
    Zone: str(),
  },
  answer: { Tags: Type.Array(Type.String()) },
  errors: ['RegionNotFound', 'ZoneNotFound'],
  async handle({ services }, p) {
    if (p.Region !== undefined) zoneIn(requireRegion(services.config, p.Region), p.Zone);
    const tags = new Set<string>();
    // Tags are CompShare metadata in the images' attributes, so they are read here.
    for (const page of catalogues(services)) {
      for (let offset = 0; ; offset += PAGE) {
        const { items } = await page(offset);
        for (const image of items) for (const tag of readCompShareAttributes(image.attributes).tags) tags.add(tag);
        if (items.length < PAGE) break;
      }
    }
    return { Tags: [...tags].sort() };
  },
});

function catalogues(services: KilnServices): Page[] {
  return [
    (offset) => services.catalogue.official('compshare', { offset, limit: PAGE }),
    (offset) => services.catalogue.community('compshare', { offset, limit: PAGE }),
  ];
}
