// One GET of an untrusted import URL (UFileUrl). Every hop — the first URL and each
// redirect target — goes through the same checks (url-policy, destination-policy) and the
// connection is pinned to the addresses that were checked (pinned-lookup). Every request
// an import makes, whole-file or ranged, comes through here.
import type { LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { parseAllowHosts } from './allow-hosts.ts';
import { checkDestination, systemResolver, type Resolver } from './destination-policy.ts';
import { DownloadError } from './download-error.ts';
import { openResponse } from './http-get.ts';
import { checkUrl, type CheckedUrl, type Scheme } from './url-policy.ts';

export interface DownloadPolicy {
  /** host:port entries (KILN_IMPORT_ALLOW_HOSTS); a listed pair may be loopback/private. */
  allowHosts: string[];
  /** Whether unlisted hosts with only public addresses are allowed; default true. */
  allowPublic?: boolean;
  allowedSchemes: Scheme[];
  maxBytes: number;
  maxRedirects: number;
  /** Applies to DNS resolution, connecting, and any idle gap while waiting or reading. */
  timeoutMs: number;
  /** The whole download (redirects and every range included) fails when a window of rateWindowMs (consecutive, from the start) averages below this; 0 or absent: no minimum. */
  minRateBytesPerS?: number;
  rateWindowMs?: number;
  /** The whole download fails if not done within this; absent: no deadline. */
  deadlineMs?: number;
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** Replaces system DNS; a seam for tests, never set in production. */
  resolve?: Resolver;
  /** Extra request headers, e.g. Range; sent to every hop. */
  headers?: Record<string, string>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Statuses a later attempt may get past; every other non-2xx is final.
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * The first hop of `url` checked as fetchChecked checks every hop (scheme, allow-list,
 * resolved addresses): what a request may connect to. Redirects are fetchChecked's.
 */
export function checkedDestination(
  url: string,
  policy: DownloadPolicy,
  opts: FetchOptions = {},
): Promise<{ target: CheckedUrl; addresses: readonly LookupAddress[] }> {
  return checkHop(url, policy, rulesOf(policy), opts.resolve ?? systemResolver, opts.signal);
}

// Re-parsed here so a hand-written policy is normalised exactly like configuration.
function rulesOf(policy: DownloadPolicy) {
  return { allowHosts: parseAllowHosts(policy.allowHosts.join(',')), allowPublic: policy.allowPublic ?? true };
}

/** One hop's URL and resolved addresses, checked against the policy within its deadline. */
async function checkHop(
  url: string | URL,
  policy: DownloadPolicy,
  rules: ReturnType<typeof rulesOf>,
  resolve: Resolver,
  signal: AbortSignal | undefined,
): Promise<{ target: CheckedUrl; addresses: readonly LookupAddress[] }> {
  signal?.throwIfAborted();
  const target = checkUrl(url, policy.allowedSchemes);
  const addresses = await withDeadline(
    checkDestination(target, rules, resolve),
    policy.timeoutMs,
    signal,
    () => new DownloadError(`import URL host ${target.hostname} could not be resolved within ${policy.timeoutMs} ms`, { transient: true }),
  );
  return { target, addresses };
}

/** Resolves with a 2xx response whose body the caller must read or destroy. */
export async function fetchChecked(url: string, policy: DownloadPolicy, opts: FetchOptions = {}): Promise<IncomingMessage> {
  const { signal } = opts;
  const rules = rulesOf(policy);
  const resolve = opts.resolve ?? systemResolver;
  let current: string | URL = url;
  for (let redirects = 0; ; redirects++) {
    const { target, addresses } = await checkHop(current, policy, rules, resolve, signal);
    const res = await openResponse(target, addresses, policy.timeoutMs, signal, opts.headers);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      const location = res.headers.location;
      res.destroy(); // redirect bodies are never read
      if (location === undefined) throw new DownloadError(`import URL answered ${describeStatus(status)} without a Location header`);
      if (redirects >= policy.maxRedirects) {
        throw new DownloadError(`import URL redirected more than ${policy.maxRedirects} times`);
      }
      current = resolveLocation(location, target.url);
      continue;
    }
    if (status < 200 || status > 299) {
      res.destroy();
      throw new DownloadError(`import URL answered ${describeStatus(status)}`, { transient: TRANSIENT_STATUS.has(status), status });
    }
    return res;
  }
}

// The server's own reason phrase is attacker-chosen text; name the status by its standard phrase.
export function describeStatus(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `HTTP ${status} ${phrase}` : `HTTP ${status}`;
}

function resolveLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new DownloadError('import URL redirected to an invalid location');
  }
}

/** Races `work` against a timeout and the caller's signal (DNS lookups cannot be cancelled). */
async function withDeadline<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    work.catch(() => undefined); // a late failure after the deadline is not unhandled
  }
}
