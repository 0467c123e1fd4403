/**
 * What a dialect is to the rest of Kiln: one description per vendor API, listed in
 * registry.ts. src/http routes requests and shapes refusals by it, src/generate writes
 * the reference pages, the README's action list and the SDK's generated files from it,
 * and the composition root takes the products' id spellings from it. None of them names
 * a vendor; a dialect imports nothing from them (only the shared types in src/wire).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ErrorCode } from '../core/errors.ts';
import type { Product } from '../core/products.ts';
import type { IdSpelling } from '../core/resource-ids.ts';
import type { KilnServices } from '../core/services.ts';
import type { Refusal, WireAnswer } from '../wire/refusal.ts';
import type { RequestObserver } from '../wire/request-observer.ts';
import type { ActionInfo } from './schema/action-info.ts';

export interface Dialect {
  /** Its label in metrics (`kiln_requests_total{dialect}`). */
  name: string;
  /**
   * Whether a request target (path and query) is this dialect's, from the path alone:
   * refusals made before any route runs (header overflow, body limit) need no more.
   */
  owns(target: string): boolean;
  /** The Fastify plugin that serves its routes. */
  plugin(services: KilnServices, metrics: RequestObserver): FastifyPluginAsync;
  /**
   * A refusal in its wire shape. `target` is the request's path and query when they could
   * be read; without it the answer must still be one this dialect's clients understand.
   */
  renderRefusal(refusal: Refusal, target?: string): WireAnswer;
  /** The result code a refusal is counted under in metrics, in the dialect's spelling. */
  refusalCode(refusal: Refusal): string;
  /** What a request on one of its URLs that no route took is told (a method it does not serve, a path it has no API at). */
  notFound(method: string, target: string): Refusal;
  /** Its page of the generated reference (docs/<file>, served at /docs/<file>). */
  reference: DialectReference;
  /** The SDK's generated client files, one per product. */
  sdk: readonly SdkTarget[];
  /** How each of its products spells the ids it hands out. */
  ids: Partial<Record<Product, IdSpelling>>;
}

export interface DialectReference {
  /** File name under docs/ and /docs/. */
  file: string;
  /** The vendor's name, before each product title in lists (`UCloud` + `UHost`). */
  vendor: string;
  /** One line for the index page: endpoint, how the action is named, how calls are signed. */
  summary: string;
  page: ReferencePage;
}

/** The data of one reference page, rendered by src/generate/dialect-page.ts. */
export interface ReferencePage {
  title: string;
  /** Markdown before the actions: endpoint, signing, envelope, common errors. */
  intro: string;
  /** Section titles of the products, in order. */
  products: ReadonlyArray<{ product: Product; title: string }>;
  actions: readonly ActionInfo[];
  naming: Naming;
  /** The wire code of a core error (`8956`, `404 INVALID_IMAGE_NOT_FOUND`). */
  codeOf(code: ErrorCode): string;
  /** The parameter-error code(s) every action may answer. */
  paramErrors: string;
}

/** How a nested name is written on the wire: UCloud `A.N.B`, ZEC `a[].b`. */
export interface Naming {
  field(parent: string, name: string): string;
  /** An item of a list of objects. */
  item(parent: string): string;
  /** A list of scalars, as its parameter is named (UCloud `ImageIds.N`, ZEC `imageIds`). */
  scalarList(parent: string): string;
}

/** One generated SDK file (packages/sdk/src/generated/<product>.ts). */
export interface SdkTarget {
  product: Product;
  /** `UHost` gives UHostActions, UHostApi, uhostActionMeta. */
  prefix: string;
  actions: readonly ActionInfo[];
  /** The SDK's hand-written client the generated class extends. */
  client: {
    /** Module path from packages/sdk/src/generated/. */
    module: string;
    base: string;
    options: string;
    /** Parameters the client fills in itself when a call does not (typed through the module's WithDefaults<>). */
    defaulted: readonly string[];
  };
}
