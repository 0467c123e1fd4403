import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../core/model.ts';
import type { KilnServices } from '../core/services.ts';
import type { Product } from '../core/products.ts';
import type { SessionUser } from '../core/accounts/console-sessions.ts';

/**
 * One page (or group of pages) of the console: its routes, registered inside the console's
 * scope under /console, where the session gate and the CSRF check have already run for
 * every route not marked public. Templates live in src/console/templates.
 */
export interface ConsolePage {
  /** For logs and the list in pages.ts. */
  name: string;
  routes(app: FastifyInstance, ctx: ConsoleContext): void;
}

/** What every page's routes are handed: core services and the page renderer. */
export interface ConsoleContext {
  services: KilnServices;
  /**
   * Renders `template` (a path under src/console/templates, without `.eta`) inside the
   * layout, with the signed-in user, the CSRF token and the product switcher filled in.
   */
  render(request: FastifyRequest, reply: FastifyReply, template: string, data: PageData): Promise<FastifyReply>;
  /** Streams an image's bytes (the same download as /v1/images/download). */
  download: ImageDownload;
}

/** What src/http hands the console to send an image's bytes; the console holds no store or blob handle of its own. */
export type ImageDownload = (
  principal: Principal,
  product: Product,
  imageId: string,
  format: string,
  rangeHeader: string | undefined,
  reply: FastifyReply,
) => Promise<FastifyReply>;

/** The data of one rendered page; `product` selects the switcher's entry (none on account-wide pages). */
export interface PageData {
  title: string;
  product?: Product;
  [field: string]: unknown;
}

/** Route config that lets a route through without a session (sign-in, assets). */
export const PUBLIC_ROUTE = { consolePublic: true } as const;

export type { SessionUser };
