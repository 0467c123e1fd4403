import { KilnError } from '../../core/errors.ts';
import type { Image } from '../../core/model.ts';
import { readCompShareAttributes } from '../../dialects/ucloud/models/compshare-attributes.ts';
import type { ConsoleContext, ConsolePage } from '../console-page.ts';
import { productParam } from '../products.ts';
import { inlineCover, linkedCover, renderReadme } from './readme-markdown.ts';

const PAGE_SIZE = 24;

/** One community image as a card shows it. */
interface CommunityCard {
  id: string;
  name: string;
  description: string;
  author: string;
  framework: string;
  frameworkVersion: string;
  /** The CUDA version the image's GPU driver serves. */
  cudaVersion: string;
  applications: string[];
  tags: string[];
  coverInline?: string;
  coverLink?: string;
  size: number;
  publishedAt: number | null;
}

async function cardOf(ctx: ConsoleContext, image: Image, authors: Map<string, string>): Promise<CommunityCard> {
  const a = readCompShareAttributes(image.attributes);
  const accountId = image.accountId ?? '';
  let author = authors.get(accountId);
  if (author === undefined) {
    author = accountId ? await ctx.services.accounts.accountName(accountId) : '';
    authors.set(accountId, author);
  }
  const coverInline = inlineCover(a.cover);
  const coverLink = coverInline ? undefined : linkedCover(a.cover);
  return {
    id: image.id,
    name: image.name,
    description: image.description,
    author,
    framework: a.softwares.framework,
    frameworkVersion: a.softwares.frameworkVersion,
    cudaVersion: a.softwares.cudaVersion,
    applications: a.softwares.applications,
    tags: a.tags,
    ...(coverInline ? { coverInline } : {}),
    ...(coverLink ? { coverLink } : {}),
    size: image.virtualSize,
    publishedAt: a.publishedAt,
  };
}

/**
 * CompShare's community catalogue as cards, and one entry's page with its readme
 * rendered from Markdown and sanitised. Every account sees the same catalogue (public,
 * available images), as DescribeCommunityImages lists it.
 */
export const communityPages: ConsolePage = {
  name: 'community',
  routes(app, ctx) {
    app.get<{ Params: { product: string }; Querystring: { q?: string; offset?: string } }>('/:product/community', async (request, reply) => {
      const product = productParam(request.params.product);
      // Only CompShare has a community; the product switcher may land here from it.
      if (product !== 'compshare') return reply.redirect(`/console/${product}/images`, 303);
      const offset = Math.max(0, Math.min(1_000_000, Number.parseInt(request.query.offset ?? '0', 10) || 0));
      const q = request.query.q?.trim().slice(0, 200) ?? '';
      const page = await ctx.services.catalogue.community(product, { offset, limit: PAGE_SIZE, order: 'newest', ...(q ? { nameContains: q } : {}) });
      const authors = new Map<string, string>();
      const cards: CommunityCard[] = [];
      for (const image of page.items) cards.push(await cardOf(ctx, image, authors));
      const link = (o: number) => `?${new URLSearchParams({ ...(q ? { q } : {}), offset: String(o) }).toString()}`;
      return ctx.render(request, reply, 'community/cards', {
        title: 'Community images',
        product,
        cards,
        q,
        prevUrl: offset > 0 ? link(Math.max(0, offset - PAGE_SIZE)) : undefined,
        nextUrl: offset + PAGE_SIZE < page.total ? link(offset + PAGE_SIZE) : undefined,
      });
    });

    app.get<{ Params: { product: string; id: string } }>('/:product/community/:id', async (request, reply) => {
      const product = productParam(request.params.product);
      if (product !== 'compshare') return reply.redirect(`/console/${product}/images`, 303);
      const page = await ctx.services.catalogue.community(product, { imageIds: [request.params.id], offset: 0, limit: 1 });
      const image = page.items[0];
      // A private image of any account answers exactly as a missing one.
      if (!image) throw new KilnError('ImageNotFound', `no community image ${request.params.id}`);
      const card = await cardOf(ctx, image, new Map());
      return ctx.render(request, reply, 'community/entry', {
        title: image.name,
        product,
        card,
        readmeHtml: renderReadme(readCompShareAttributes(image.attributes).readme),
      });
    });
  },
};
