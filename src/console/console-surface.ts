/**
 * The web console: server-rendered pages under /console, one more surface beside the
 * dialects, reaching core only through KilnServices as they do.
 *
 * To add a page:
 *   1. write src/console/<area>/<page>-page.ts exporting a ConsolePage (console-page.ts):
 *      its routes get `ctx.services` and `ctx.render(request, reply, '<area>/<template>', data)`;
 *      `userOf(request)` (session/request-user.ts) is the signed-in user, `productParam()`
 *      reads a `:product` path segment; throw KilnError for refusals (shell/console-errors.ts
 *      turns them into an error page with status + code + message);
 *   2. write its templates in src/console/templates/<area>/*.eta, starting with
 *      `<% layout('/layout', it) %>`; output is escaped unless written `<%~ %>` (only the
 *      layout's body and sanitised Markdown may be);
 *   3. add it to the list in pages.ts.
 * Every route needs a session and every POST a CSRF token (forms: `<%~ it.csrfField %>`)
 * unless its route config is PUBLIC_ROUTE. No inline script or style: the CSP forbids
 * them; put script in src/console/assets/ (served at /console/assets/).
 */
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { KilnServices } from '../core/services.ts';
import { Products } from '../core/products.ts';
import type { ConsoleContext, ImageDownload, PageData } from './console-page.ts';
import { consolePages } from './pages.ts';
import { productLabels } from './products.ts';
import { consoleRefusalOf } from './shell/console-errors.ts';
import { installSecurityHeaders } from './shell/security-headers.ts';
import { viewFormat } from './shell/view-format.ts';
import { CSRF_FIELD } from './session/csrf.ts';
import { maybeUserOf } from './session/request-user.ts';
import { installSessionGate } from './session/session-gate.ts';

export const CONSOLE_PREFIX = '/console';

const templatesDir = fileURLToPath(new URL('./templates', import.meta.url));

/** The console's plugin, registered by src/http/server.ts under CONSOLE_PREFIX. */
export function consolePlugin(services: KilnServices, download: ImageDownload): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    await app.register(fastifyCookie);
    await app.register(fastifyFormbody);
    // Eta escapes every `<%= %>` by default; templates are read once and kept.
    await app.register(fastifyView, { engine: { eta: new Eta({ autoEscape: true, cache: true }) }, templates: templatesDir, production: true });
    installSecurityHeaders(app);
    installSessionGate(app, services.consoleSessions);

    const ctx: ConsoleContext = {
      services,
      render: (request, reply, template, data) => renderPage(request, reply, template, data),
      download,
    };

    app.setErrorHandler(async (err, request, reply) => {
      const refusal = consoleRefusalOf(err);
      if (refusal.code === 'Internal') request.log.error({ err }, 'console request failed');
      reply.status(refusal.status);
      return renderPage(request, reply, 'error', { title: `${refusal.status} ${refusal.code}`, refusal });
    });
    app.setNotFoundHandler(async (request, reply) => {
      reply.status(404);
      return renderPage(request, reply, 'error', {
        title: '404 NotFound',
        refusal: { status: 404, code: 'InvalidParameter', message: `no console page ${request.url}` },
      });
    });
    app.get('/', async (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/uhost/images`, 303));
    for (const page of consolePages) page.routes(app, ctx);
  };
}

async function renderPage(request: FastifyRequest, reply: FastifyReply, template: string, data: PageData): Promise<FastifyReply> {
  const user = maybeUserOf(request);
  const html = await reply.viewAsync(template, {
    ...data,
    user,
    csrfToken: user?.csrfToken ?? '',
    csrfField: user ? `<input type="hidden" name="${CSRF_FIELD}" value="${user.csrfToken}">` : '',
    products: Products.map((p) => ({ id: p, label: productLabels[p] })),
    productLabel: data.product ? productLabels[data.product] : undefined,
    // The switcher keeps the page's section (`images`) when it changes product.
    section: sectionOf(request.url, data.product),
    fmt: viewFormat,
  });
  return reply.type('text/html; charset=utf-8').send(html);
}

function sectionOf(url: string, product: string | undefined): string {
  if (!product) return 'images';
  const path = url.split('?', 1)[0] ?? '';
  const rest = path.slice(`${CONSOLE_PREFIX}/${product}/`.length);
  const section = rest.split('/', 1)[0] ?? '';
  return /^[a-z-]+$/.test(section) ? section : 'images';
}
