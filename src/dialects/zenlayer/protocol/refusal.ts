/**
 * HTTP-level refusals (src/http/refusal.ts) in Zenlayer's shape: the standard HTTP status
 * for what went wrong and the usual `{requestId, code, message}` body, so both the SDKs
 * (which read `code` and `message` from any non-200 answer) and plain HTTP tools see it.
 */
import { refusalStatus, type Refusal, type RefusalKind, type WireAnswer } from '../../../http/refusal.ts';
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
  Internal: ZcCode.InternalServerError,
};

export function zcRefusal(refusal: Refusal, requestId: string = newZcRequestId()): WireAnswer {
  const status = refusalStatus[refusal.kind];
  const code = zcCodeForRefusal[refusal.kind];
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  // 405 must say what is allowed (RFC 9110 15.5.6); every ZEC call is a POST.
  if (refusal.kind === 'MethodNotAllowed') headers.allow = 'POST';
  return { status, headers, body: JSON.stringify(zcError(requestId, code, refusal.message)) };
}
