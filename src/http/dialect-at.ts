/**
 * Which dialect a URL belongs to, decided from the path alone so that refusals made
 * before any route runs (unknown methods, header overflow, body limits) can still be
 * answered in that dialect's shape: UCloud is served at `/` exactly, Zenlayer under
 * `/api/v2/` (`/api/v2/<service>`).
 */
import { STATUS_CODES } from 'node:http';
import { ucloudRefusal, ucloudRetCodeForRefusal } from '../dialects/ucloud/protocol/refusal.ts';
import { zcCodeForRefusal, zcRefusal } from '../dialects/zenlayer/protocol/refusal.ts';
import { refusalStatus, type Refusal, type WireAnswer } from './refusal.ts';

export type Dialect = 'ucloud' | 'zenlayer';

/** The Zenlayer path prefix, and the one path shape a ZEC call has (`/api/v2/<service>`). */
const ZC_PREFIX = '/api/v2';
const ZC_SERVICE_PATH = /^\/api\/v2\/[^/]+$/;

/** `url` is a request target: a path, possibly with a query string. */
export function dialectAt(url: string): Dialect | undefined {
  const path = pathOf(url);
  if (path === '/') return 'ucloud';
  if (path === ZC_PREFIX || path.startsWith(`${ZC_PREFIX}/`)) return 'zenlayer';
  return undefined;
}

/** True for `/api/v2/<service>`, the path every ZEC call is POSTed to. */
export function isZcServicePath(url: string): boolean {
  return ZC_SERVICE_PATH.test(pathOf(url));
}

/**
 * The refusal in the shape of the dialect the URL belongs to; outside the dialects, the
 * JSON shape Fastify uses for its own errors (health and metrics are not vendor APIs).
 */
export function refusalAnswer(url: string, refusal: Refusal): WireAnswer {
  const dialect = dialectAt(url);
  if (dialect === 'ucloud') return ucloudRefusal(refusal, queryOf(url));
  if (dialect === 'zenlayer') return zcRefusal(refusal);
  const status = refusalStatus[refusal.kind];
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: refusal.message }),
  };
}

/** The result code a refusal is counted under in `kiln_requests_total`. */
export function refusalMetricCode(dialect: Dialect, refusal: Refusal): string {
  return dialect === 'ucloud' ? String(ucloudRetCodeForRefusal(refusal)) : zcCodeForRefusal[refusal.kind];
}

function pathOf(url: string): string {
  const mark = url.search(/[?#]/);
  return mark === -1 ? url : url.slice(0, mark);
}

function queryOf(url: string): string {
  const mark = url.indexOf('?');
  return mark === -1 ? '' : url.slice(mark + 1);
}
