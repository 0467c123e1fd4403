/**
 * A request refused at the HTTP level (before or outside a dialect's action handling):
 * what was wrong, in words for the caller. Each dialect turns it into its own wire shape
 * (ucloud/protocol/refusal.ts, zenlayer/protocol/refusal.ts), so no answer on a dialect's
 * URL comes back in Fastify's or Node's own format.
 */
import { MAX_BODY_BYTES } from './request-limits.ts';

export type RefusalKind =
  /** The HTTP request itself is malformed (bad request line, bad Content-Length, ...). */
  | 'BadRequest'
  | 'BodyTooLarge'
  | 'UnsupportedMediaType'
  | 'MethodNotAllowed'
  | 'NotFound'
  /** Request line plus headers over Node's limit (a long query string lands here). */
  | 'HeaderTooLarge'
  | 'Timeout'
  /** The server is at its connection cap (connection-cap.ts); a retry shortly may pass. */
  | 'Busy'
  /** A server fault, not the caller's; the only kind logged at error level. */
  | 'Internal';

export interface Refusal {
  kind: RefusalKind;
  message: string;
}

/** The standard HTTP status of each kind, for answers whose dialect uses HTTP statuses. */
export const refusalStatus: Record<RefusalKind, number> = {
  BadRequest: 400,
  BodyTooLarge: 413,
  UnsupportedMediaType: 415,
  MethodNotAllowed: 405,
  NotFound: 404,
  HeaderTooLarge: 431,
  Timeout: 408,
  Busy: 503,
  Internal: 500,
};

/** An answer ready for the wire, usable by a Fastify reply or a raw socket alike. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Statuses of Fastify's own errors (content-type parsing, body limit, ...) as refusals. */
export function refusalForFrameworkError(err: { statusCode?: number; code?: string; message: string }): Refusal {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { kind: 'BodyTooLarge', message: `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { kind: 'UnsupportedMediaType', message: 'unsupported Content-Type' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { kind: 'NotFound', message: 'no API is served at this path' };
    default:
      break;
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return { kind: 'BodyTooLarge', message: 'the request body is too large' };
  if (status === 415) return { kind: 'UnsupportedMediaType', message: 'unsupported Content-Type' };
  if (status === 408) return { kind: 'Timeout', message: 'the request was not received in time' };
  // Other 4xx from the framework are about the HTTP message itself; their messages are
  // written for callers ("Request body size did not match Content-Length").
  if (status >= 400 && status < 500) return { kind: 'BadRequest', message: err.message };
  return { kind: 'Internal', message: 'internal error' };
}
