import { MAX_BODY_BYTES } from '../wire/request-limits.ts';
import type { Refusal } from '../wire/refusal.ts';

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
