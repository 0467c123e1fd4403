import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asksForHtml, prefersMarkdown } from './accept.ts';
import { docsSite, type DocsPage } from './docs-site.ts';

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The pages are static text: no script, nothing fetched but themselves.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
} as const;

/**
 * The reference at /docs: each generated page as HTML (`/docs/`, `/docs/ucloud.html`)
 * and as Markdown (`/docs/README.md`, `/docs/ucloud.md`); `/docs` and `/docs/` give the
 * index as Markdown to a client that asks for text/markdown. A browser's `GET /` (no
 * Action, text/html accepted) is sent to the web console; API calls to `/` are not touched.
 * Pages are rendered on first request, from the schemas this process runs.
 */
export function docsSiteRoutes(app: FastifyInstance): void {
  let site: DocsPage[] | undefined;
  const pages = () => (site ??= docsSite());
  const find = (pick: (p: DocsPage) => boolean) => pages().find(pick)!;

  const sendHtml = (reply: FastifyReply, page: DocsPage) => reply.headers(HTML_HEADERS).header('vary', 'Accept').send(page.html);
  const sendMarkdown = (reply: FastifyReply, page: DocsPage) =>
    reply.header('content-type', 'text/markdown; charset=utf-8').header('vary', 'Accept').send(page.markdown);
  const index = async (request: FastifyRequest, reply: FastifyReply) => {
    const page = find((p) => p.htmlUrl === '/docs/');
    return prefersMarkdown(request.headers.accept) ? sendMarkdown(reply, page) : sendHtml(reply, page);
  };
  app.get('/docs', index);
  app.get('/docs/', index);
  app.get('/docs/index.html', index);
  app.get<{ Params: { file: string } }>('/docs/:file', async (request, reply) => {
    const url = `/docs/${request.params.file}`;
    const page = pages().find((p) => p.markdownUrl === url || p.htmlUrl === url);
    if (!page) return reply.status(404).headers(HTML_HEADERS).send(notFound(url));
    return page.markdownUrl === url ? sendMarkdown(reply, page) : sendHtml(reply, page);
  });

  app.addHook('onRequest', async (request, reply) => {
    // Every API call on `/` passes here: the cheap tests go first, so a call from an SDK
    // (no text/html in Accept) is let through before its query string is parsed.
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !asksForHtml(request.headers.accept)) return;
    const [path, query = ''] = request.url.split('?', 2);
    if (path !== '/' || new URLSearchParams(query).has('Action')) return;
    return reply.status(302).header('location', '/console/').header('vary', 'Accept').send();
  });
}

function notFound(url: string): string {
  const safe = url.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · Kiln</title></head><body><p>No page ${safe}. The reference starts at <a href="/docs/">/docs/</a>.</p></body></html>\n`;
}
