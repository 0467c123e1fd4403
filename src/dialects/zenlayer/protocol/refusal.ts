/**
 * HTTP-level refusals (src/wire/refusal.ts) in Zenlayer's shape: the standard HTTP status
 * for what went wrong and the usual `{requestId, code, message}` body, so both the SDKs
 * (which read `code` and `message` from any non-200 answer) and plain HTTP tools see it.
 */
import { refusalStatus, type Refusal, type RefusalKind, type WireAnswer } from '../../../wire/refusal.ts';
import { ZcCode } from './error-codes.ts';
import { newZcRequestId, zcError } from './envelope.ts';

export const zcCodeForRefusal: Record<RefusalKind, string> = {
  BadRequest: ZcCode.InvalidRequest,
  BodyTooLarge: ZcCode.InvalidRequestBody,
  UnsupportedMediaType: ZcCode.UnsupportedMediaType,
  MethodNotAllowed: ZcCode.UnsupportedHttpMethod,
  NotFound: ZcCode.InvalidAction,
  HeaderTooLarge: ZcCode.InvalidRequestHeader,
  Timeout: ZcCode.RequestTimeout,
  Busy: ZcCode.RequestLimitExceeded,
  Internal: ZcCode.InternalServerError,
};

/**
 * Where the vendor pairs a code with its own status: REQUEST_LIMIT_EXCEEDED comes with 429
 * (PROTOCOLS.md), so a server at its connection cap answers ZEC callers 429, not 503.
 */
const zcStatusOverride: Partial<Record<RefusalKind, number>> = { Busy: 429 };

export function zcRefusal(refusal: Refusal, requestId: string = newZcRequestId()): WireAnswer {
  const status = zcStatusOverride[refusal.kind] ?? refusalStatus[refusal.kind];
  const code = zcCodeForRefusal[refusal.kind];
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  // 405 must say what is allowed (RFC 9110 15.5.6); every ZEC call is a POST.
  if (refusal.kind === 'MethodNotAllowed') headers.allow = 'POST';
  return { status, headers, body: zcError(requestId, code, refusal.message) };
}
