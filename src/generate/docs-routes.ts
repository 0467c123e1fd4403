import type { FastifyInstance } from 'fastify';
import { docsSiteRoutes } from '../docs-site/docs-routes.ts';

/**
 * GET /docs: the reference generated from the schemas this very process runs (the same
 * text `npm run docs` checks into docs/), as HTML and Markdown; see src/docs-site.
 */
export function docsRoutes(app: FastifyInstance): void {
  docsSiteRoutes(app);
}
