import type { ConsolePage } from '../console-page.ts';
import { regionsOf } from '../products.ts';
import { imageScope } from './image-scope.ts';

type ImageParams = { Params: { product: string; id: string } };

/** One image: state and FailedReason, sizes, dedup, copies, grants, jobs, download; its actions' forms. */
export const imagePage: ConsolePage = {
  name: 'image',
  routes(app, ctx) {
    app.get<ImageParams>('/:product/images/:id', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      const facts = await ctx.services.imageInsight.facts(principal, product, request.params.id);
      const grants = product === 'compshare' ? await ctx.services.imageGrants.accounts(principal, product, facts.image.id) : [];
      const progress = facts.image.state === 'making' ? await ctx.services.images.progress(principal, product, facts.image.id) : undefined;
      return ctx.render(request, reply, 'images/detail', {
        title: facts.image.name,
        product,
        facts,
        image: facts.image,
        grants,
        progress,
        regions: regionsOf(ctx.services.config, product),
      });
    });

    app.get<ImageParams & { Querystring: { format?: string } }>('/:product/images/:id/download', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      const format = request.query.format ?? 'raw';
      reply.header(
        'content-disposition',
        `attachment; filename="${request.params.id.replace(/[^A-Za-z0-9._-]/g, '_')}.${format === 'qcow2' ? 'qcow2' : 'raw'}"`,
      );
      return ctx.download(principal, product, request.params.id, format, request.headers.range, reply);
    });

    app.get<ImageParams>('/:product/images/:id/delete', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      const image = await ctx.services.images.getOwned(principal, product, request.params.id);
      return ctx.render(request, reply, 'images/delete', { title: `Delete ${image.name}`, product, image });
    });
  },
};
