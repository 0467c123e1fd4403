/**
 * What is refused about a ZEC body before authentication, on the raw bytes: a media type
 * that cannot carry JSON, and JSON too deep or too large to parse safely. Both checks are
 * cheap and reveal nothing about accounts or resources, so they need no caller identity;
 * the signature is then computed over bytes already known to be reasonable.
 */
import { checkJsonLimits } from '../../../wire/request-limits.ts';
import { ZcCode } from './error-codes.ts';
import { ZcHttpError } from './envelope.ts';

/**
 * Media types a JSON body may arrive under. The SDKs send `application/json` (Go) or
 * `application/json; charset=utf-8` (Python, Java); `+json` types are JSON by definition;
 * text/plain is kept because hand-written clients post JSON that way and the signature
 * covers the Content-Type as sent, so accepting it trusts nothing extra.
 */
function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json') || mediaType === 'text/plain';
}

export function checkZcRawBody(contentType: string | undefined, raw: Buffer): void {
  // An empty body means "no parameters" whatever the type says (or if none is sent).
  if (raw.length === 0) return;
  if (!isJsonMediaType(contentType)) {
    const shown = contentType === undefined || contentType.trim() === '' ? 'no Content-Type' : `Content-Type ${contentType}`;
    throw new ZcHttpError(415, ZcCode.UnsupportedMediaType, `the request body was sent with ${shown}: ZEC API calls send application/json`);
  }
  const problem = checkJsonLimits(raw);
  if (problem) throw new ZcHttpError(400, ZcCode.InvalidRequestBody, problem.message);
}
