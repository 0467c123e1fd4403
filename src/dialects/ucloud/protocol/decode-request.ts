/**
 * Turns one HTTP request into the flat parameter map, whichever of the four SDK
 * encodings it uses (PROTOCOLS.md, UCloud "Request"):
 *   GET ?query | POST form | POST form + ?Action=X | POST flat JSON with typed values.
 * The result holds exactly the pairs the client signed, so it feeds both the signature
 * check and parameter parsing.
 */
import { checkJsonLimits, checkUrlEncodedLimits, countUrlEncodedPairs } from '../../../wire/request-limits.ts';
import { createFlatParams, type FlatParams } from './flat-params.ts';
import { stringifyJsonScalar } from './json-value.ts';

export interface UCloudRequestInput {
  method: string;
  /** Raw query string, without the leading `?` (may be empty). */
  query: string;
  /** The Content-Type header as sent, parameters included (`; charset=utf-8`). */
  contentType: string | undefined;
  /** The body bytes exactly as received; undefined when there was none. */
  body: Buffer | undefined;
}

/** The request cannot be read as UCloud parameters (bad JSON, bad encoding, ...). */
export class UCloudDecodeError extends Error {
  override readonly name = 'UCloudDecodeError';
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/**
 * Decodes query and body into one flat map. Body values win over query values of the
 * same name (the Go SDK sends Action in the query and everything in the form body).
 * A name repeated within the query or within the body is rejected: only one of the
 * values can have been signed, and picking one silently invites parameter pollution.
 */
export function decodeUCloudRequest(input: UCloudRequestInput): FlatParams {
  const method = input.method.toUpperCase();
  // A body on GET/HEAD has no defined meaning and most HTTP stacks drop it; so do we.
  const body = method === 'GET' || method === 'HEAD' || input.body?.length === 0 ? undefined : input.body;
  const mediaType = (input.contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  // The vendor documents exactly these two body types (public.md, "支持 application/json
  // 和 application/x-www-form-urlencoded"); anything else, text/plain included, is
  // refused rather than guessed at, since a guess decides which parameters were signed.
  if (body !== undefined && mediaType !== FORM && mediaType !== JSON_TYPE) {
    throw new UCloudDecodeError(
      mediaType === ''
        ? `request body sent without a Content-Type: use ${FORM} or ${JSON_TYPE}`
        : `unsupported Content-Type ${mediaType}: use ${FORM} or ${JSON_TYPE}`,
    );
  }
  // Bounded before anything is decoded: the checks are one pass over the bytes, the
  // decoding after them is not (see src/wire/request-limits.ts).
  const queryPairs = countUrlEncodedPairs(input.query);
  const problem =
    body === undefined
      ? checkUrlEncodedLimits('', queryPairs)
      : mediaType === FORM
        ? checkUrlEncodedLimits(body, queryPairs)
        : checkJsonLimits(body, queryPairs);
  if (problem) throw new UCloudDecodeError(problem.message);

  const params = createFlatParams();
  Object.assign(params, decodeUrlEncoded(input.query, 'query string'));
  if (body === undefined) return params;
  const text = utf8(body);
  Object.assign(params, mediaType === FORM ? decodeUrlEncoded(text, 'form body') : decodeJsonBody(text));
  return params;
}

function utf8(body: Buffer): string {
  try {
    // fatal: a body that is not UTF-8 cannot match what the client signed; say so
    // instead of signing replacement characters.
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new UCloudDecodeError('request body is not valid UTF-8');
  }
}

/** Query strings and form bodies: `+` is a space, `%XX` escapes are UTF-8. */
function decodeUrlEncoded(text: string, where: string): FlatParams {
  const out = createFlatParams();
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === '') continue;
    if (Object.hasOwn(out, key)) throw new UCloudDecodeError(`parameter ${key} appears twice in the ${where}`);
    out[key] = value;
  }
  return out;
}

/** JSON as JSON.parse returns it; named so the walk below says what it handles. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function decodeJsonBody(text: string): FlatParams {
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (err) {
    throw new UCloudDecodeError(`request body is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UCloudDecodeError('JSON request body must be an object');
  }
  const out = createFlatParams();
  flattenJson(parsed, '', out);
  return out;
}

/**
 * The JS SDK sends keys already flattened (`"DataUDiskIds.0": "a"`); hand-written
 * clients may nest instead (`"Disks": [{"IsBoot": "True"}]`). Both end as the same flat
 * keys; should both forms name the same key, the body is ambiguous and rejected.
 */
function flattenJson(node: Json, prefix: string, out: FlatParams): void {
  if (node === null) return; // null means "not sent" (the SDKs skip null when signing)
  if (Array.isArray(node)) {
    node.forEach((item, index) => {
      flattenJson(item, `${prefix}.${index}`, out);
    });
    return;
  }
  if (typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '') continue; // as in query strings: a nameless value is not a parameter
      flattenJson(value, prefix === '' ? key : `${prefix}.${key}`, out);
    }
    return;
  }
  if (Object.hasOwn(out, prefix)) throw new UCloudDecodeError(`parameter ${prefix} appears twice in the JSON body`);
  out[prefix] = stringifyJsonScalar(node);
}
