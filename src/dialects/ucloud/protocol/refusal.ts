/**
 * HTTP-level refusals (src/wire/refusal.ts) in UCloud's shape. UCloud answers every error
 * with HTTP 200 and a RetCode, and its SDKs rely on that: the Go SDK turns any status of
 * 400 or more into a bare status error and never reads the body, so a 413 or 431 would
 * hide the Message. Refusals therefore keep HTTP 200 too, whatever went wrong.
 *
 * The vendor's catalogue (public.md) has no code for "the request could not be read";
 * 230, the parameter error, is the nearest and is what the decoder already answers for
 * unreadable bodies. A server fault is 150, "service unavailable", and so is a server at
 * its connection cap: public.md words 150 as "unavailable for now, retry later", which is
 * what the cap means (153, "rate limited", would blame the caller's own request rate).
 */
import { randomUUID } from 'node:crypto';
import type { Refusal, WireAnswer } from '../../../wire/refusal.ts';
import { ucloudError } from './envelope.ts';
import { UCloudRetCode } from './ret-codes.ts';

export function ucloudRetCodeForRefusal(refusal: Refusal): number {
  return refusal.kind === 'Internal' || refusal.kind === 'Busy' ? UCloudRetCode.ServiceUnavailable : UCloudRetCode.ParamError;
}

/**
 * The answer to a refused request. `query` is the raw query string: when it names the
 * Action (the Go SDK puts it there), the answer is named after it as usual.
 */
export function ucloudRefusal(refusal: Refusal, query: string, requestId: string = randomUUID()): WireAnswer {
  const body = ucloudError(queryAction(query), ucloudRetCodeForRefusal(refusal), refusal.message);
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-ucloud-request-uuid': requestId },
    body,
  };
}

/**
 * The Action a query string names, when it names exactly one (the Go SDK sends it there):
 * a request refused before its parameters are decoded is still answered under its name.
 * Node caps the request line at 16 KiB, so parsing the query here is cheap.
 */
export function queryAction(query: string): string | undefined {
  if (!query.includes('Action=')) return undefined;
  const named = new URLSearchParams(query).getAll('Action');
  return named.length === 1 && named[0] !== '' ? named[0] : undefined;
}
