// One GET over a connection pinned to already-checked addresses. Resolves with the response
// head; the caller decides whether to follow, refuse or read the body.
import type { LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { DownloadError } from './download-error.ts';
import { pinnedLookup } from './pinned-lookup.ts';
import type { CheckedUrl } from './url-policy.ts';

const TLS_CODES = /^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_)/;

export function openResponse(
  target: CheckedUrl,
  addresses: readonly LookupAddress[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
  extraHeaders: Record<string, string> = {},
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = target.url.protocol === 'https:' ? https : http;
    const req = mod.request({
      host: target.bareHost, // the name, not the address: Host, SNI and certificate checks use it
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      method: 'GET',
      // Extra headers first: nothing a caller passes can replace Host or the identity encoding.
      headers: { ...extraHeaders, host: target.url.host, accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'kiln-import' },
      lookup: pinnedLookup(target.bareHost, addresses),
      // A fresh agent per request: a pooled keep-alive socket could have been opened to
      // an address this hop never checked.
      agent: false,
      // Set on the socket before it connects, so it bounds connecting as well as idling.
      timeout: timeoutMs,
      ...(target.literal ? {} : { servername: target.bareHost }),
      ...(signal ? { signal } : {}),
    });
    let response: IncomingMessage | undefined;
    req.on('timeout', () => {
      const err = new DownloadError(`import URL host ${target.hostPort} stopped responding (no data for ${timeoutMs} ms)`, { transient: true });
      // After the head has arrived the body stream must fail too, or a reader would hang.
      response?.destroy(err);
      req.destroy(err);
    });
    req.on('error', (e) => reject(explainRequestError(e, target, signal)));
    req.on('response', (res) => {
      response = res;
      resolve(res);
    });
    req.end();
  });
}

export function explainRequestError(e: Error, target: CheckedUrl, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (e instanceof DownloadError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
  const host = target.hostPort;
  if (code === 'ECONNREFUSED') return new DownloadError(`import URL host ${host} refused the connection`, { transient: true, cause: e });
  if (TLS_CODES.test(code)) return new DownloadError(`import URL host ${host} failed TLS verification (${code})`, { cause: e });
  if (code.startsWith('HPE_')) return new DownloadError(`import URL host ${host} sent an invalid HTTP response (${code})`, { cause: e });
  return new DownloadError(`could not fetch from import URL host ${host} (${code})`, { transient: true, cause: e });
}
