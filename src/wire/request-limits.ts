/**
 * Bounds on the shape of a request, checked on the raw bytes before anything parses them.
 * Both dialects authenticate over parsed parameters (UCloud) or hash the raw body and
 * then parse it (ZEC); a hostile body must be refused before that work, and before any
 * recursive walk can overflow the stack. The scans here are single linear passes that
 * stop at the first limit crossed, so refusing costs no more than reading the bytes.
 */

/**
 * Largest request body read (Fastify's bodyLimit). The biggest real call is a ZEC
 * DescribeImages with 1,000 image ids, a few tens of KiB; 1 MiB is ample and caps the
 * memory a request can hold before it is refused.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Deepest JSON nesting accepted. UCloud bodies are flat (the JS SDK flattens keys itself;
 * hand-written nesting such as `Disks[].IsBoot` is 3 levels) and the deepest ZEC
 * parameter (`tags.tags[].key`) is 4, so 32 is far from any real call while still far
 * below the depth at which a recursive walk of the value exhausts the stack (thousands).
 */
export const MAX_NESTING_DEPTH = 32;

/**
 * Most parameters one request may carry: URL-encoded pairs (query and form body
 * together), or JSON object members and array items (every level counted). The largest
 * lists any action takes are 1,000 items (ZEC `imageIds`, page sizes); 2,000 leaves
 * room for those plus every other parameter, while capping the per-request work of
 * sorting and hashing parameters for a signature at a trivial size.
 */
export const MAX_PARAMETERS = 2_000;

/** Why a request was refused: the message is written for the caller. */
export interface LimitProblem {
  limit: 'depth' | 'parameters';
  message: string;
}

const tooDeep = (): LimitProblem => ({
  limit: 'depth',
  message: `the request body nests more than ${MAX_NESTING_DEPTH} levels deep`,
});

const tooMany = (): LimitProblem => ({
  limit: 'parameters',
  message: `the request carries more than ${MAX_PARAMETERS.toLocaleString('en-US')} parameters`,
});

/**
 * Counts the non-empty `&`-separated pairs of a query string or form body (empty pairs,
 * `a&&b`, are skipped by every decoder, so they are not parameters), stopping once the
 * count passes `stopAfter`. indexOf finds each `&` natively, much faster than a byte loop.
 */
export function countUrlEncodedPairs(text: string | Buffer, stopAfter = Infinity): number {
  let count = 0;
  let from = 0;
  while (from <= text.length && count <= stopAfter) {
    const amp = typeof text === 'string' ? text.indexOf('&', from) : text.indexOf(0x26, from);
    const end = amp === -1 ? text.length : amp;
    if (end > from) count++;
    if (amp === -1) break;
    from = amp + 1;
  }
  return count;
}

/** Checks a URL-encoded parameter count; `alreadyCounted` adds pairs from elsewhere (the query). */
export function checkUrlEncodedLimits(text: string | Buffer, alreadyCounted = 0): LimitProblem | undefined {
  const budget = MAX_PARAMETERS - alreadyCounted;
  return budget < 0 || countUrlEncodedPairs(text, budget) > budget ? tooMany() : undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index of the quote closing the string opened at `open`, or -1 if it never closes. */
function closingQuote(body: Buffer, open: number): number {
  let quote = body.indexOf(QUOTE, open + 1);
  while (quote !== -1) {
    // Escaped only if an odd number of backslashes precedes it (`\\"` closes).
    let backslashes = 0;
    while (body[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = body.indexOf(QUOTE, quote + 1);
  }
  return -1;
}

/**
 * Scans bytes meant to be JSON for nesting depth and the number of members and items.
 * Exact for valid JSON; on anything else it still terminates in one pass and may report a
 * limit the parser would have refused for another reason. Items are counted as commas
 * plus one for each container that is not empty, which needs no stack. Strings, most of
 * a body's bytes, are skipped with a native search for their closing quote.
 */
export function checkJsonLimits(body: Buffer, alreadyCounted = 0): LimitProblem | undefined {
  let depth = 0;
  let items = alreadyCounted;
  let justOpened = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (isJsonWhitespace(c)) continue;
    if (justOpened) {
      justOpened = false;
      // The first member or item of a container; later ones are counted at their comma.
      if (c !== CLOSE_OBJECT && c !== CLOSE_ARRAY && ++items > MAX_PARAMETERS) return tooMany();
    }
    if (c === QUOTE) {
      const close = closingQuote(body, i);
      if (close === -1) return undefined; // unterminated: the parser refuses it
      i = close;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > MAX_NESTING_DEPTH) return tooDeep();
      justOpened = true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--;
    } else if (c === COMMA && depth > 0) {
      if (++items > MAX_PARAMETERS) return tooMany();
    }
  }
  return items > MAX_PARAMETERS ? tooMany() : undefined;
}
