// The synchronous half of the import URL rules: scheme, credentials and the host:port key
// that KILN_IMPORT_ALLOW_HOSTS is matched against. Host normalisation (decimal, octal, hex
// and short IPv4 forms, IPv6 compression, case) is left to the WHATWG URL parser, so the
// classifier only ever sees canonical dotted-quad or bracketed IPv6 text.
import { isIPv4 } from 'node:net';
import { DownloadError } from './download-error.ts';

export type Scheme = 'http:' | 'https:';

export interface CheckedUrl {
  url: URL;
  /** Hostname as the URL parser normalised it; IPv6 keeps its brackets. */
  hostname: string;
  /** The same without brackets: what sockets and DNS take. */
  bareHost: string;
  port: number;
  /** `hostname:port` with the scheme default filled in: the allow-list key. */
  hostPort: string;
  /** Set when the host is an IP literal, so no DNS lookup is needed (or wanted). */
  literal: { address: string; family: 4 | 6 } | null;
}

export function checkUrl(raw: string | URL, allowedSchemes: readonly Scheme[]): CheckedUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DownloadError('import URL is not a valid absolute URL');
  }
  if (!(allowedSchemes as readonly string[]).includes(url.protocol)) {
    throw new DownloadError(`import URL scheme ${url.protocol} is not allowed (allowed: ${allowedSchemes.join(', ') || 'none'})`);
  }
  // Credentials would be sent to whatever the URL points at and logged with the job.
  if (url.username !== '' || url.password !== '') {
    throw new DownloadError('import URL must not contain credentials (user:password@)');
  }
  const hostname = url.hostname;
  if (hostname === '') throw new DownloadError('import URL has no host');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const bareHost = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const literal = hostname.startsWith('[') ? { address: bareHost, family: 6 as const } : isIPv4(hostname) ? { address: hostname, family: 4 as const } : null;
  return { url, hostname, bareHost, port, hostPort: `${hostname}:${port}`, literal };
}
