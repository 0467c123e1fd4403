import type { EnvReader } from './env-reader.ts';

/** The API listener: how long a request may take to arrive, and how many connections it holds. */
export interface HttpConfig {
  /** The request line and headers must arrive within this (slow-header clients). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (trickled or endless bodies). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A connection on which nothing moves, in either direction, is closed after this. */
  idleTimeoutMs: number;
  /** Open connections served normally; past this, only /healthz is answered (connection-cap.ts). */
  maxConnections: number;
}

export function readHttp(read: EnvReader): HttpConfig {
  const headersTimeoutMs = read.int('KILN_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000);
  const requestTimeoutMs = read.int('KILN_HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  // Node refuses a headers timeout longer than the request timeout.
  if (headersTimeoutMs > requestTimeoutMs) read.problem('KILN_HTTP_HEADERS_TIMEOUT_MS must not exceed KILN_HTTP_REQUEST_TIMEOUT_MS');
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    // Above the 60 s idle timeout of common load balancers, which must close first.
    keepAliveTimeoutMs: read.int('KILN_HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 600_000),
    idleTimeoutMs: read.int('KILN_HTTP_IDLE_TIMEOUT_MS', 120_000, 1000, 3_600_000),
    maxConnections: read.int('KILN_HTTP_MAX_CONNECTIONS', 1024, 1, 100_000),
  };
}
