import type { FastifyInstance } from 'fastify';
import { dialects } from '../dialects/registry.ts';
import { renderDialectPage } from './dialect-page.ts';
import { indexPage } from './index-page.ts';

/**
 * GET /docs (also /docs/README.md) and /docs/<file> of every dialect: the reference generated from the
 * schemas this very process runs (the same text `npm run docs` checks into docs/).
 */
export function docsRoutes(app: FastifyInstance): void {
  const pages: Record<string, () => string> = {
    '/docs': indexPage,
    '/docs/': indexPage,
    '/docs/README.md': indexPage,
  };
  for (const { reference } of dialects) pages[`/docs/${reference.file}`] = () => renderDialectPage(reference.page);
  const cache = new Map<string, string>();
  for (const [url, render] of Object.entries(pages)) {
    app.get(url, async (_req, reply) => {
      let text = cache.get(url);
      if (text === undefined) {
        text = render();
        cache.set(url, text);
      }
      return reply.header('content-type', 'text/markdown; charset=utf-8').send(text);
    });
  }
}
