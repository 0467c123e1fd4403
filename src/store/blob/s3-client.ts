import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { BlobConfig } from '../../config/config.ts';

export type S3BlobConfig = Extract<BlobConfig, { kind: 's3' }>;

/**
 * One S3 client per store, tuned for many small, independent chunk requests:
 *
 * - Keep-alive agents with maxSockets = maxConcurrency: a chunk write reuses a warm
 *   connection instead of paying a TCP (and TLS) handshake, and never opens more
 *   sockets than the store lets requests run at once.
 * - The agents are passed as instances: the handler then treats them as external and
 *   never swaps in a throw-away agent for a request.
 * - No `Expect: 100-continue`: the SDK adds it to bodies of 2 MB and more, and the
 *   handler answers it by sending such a request on a fresh non-keep-alive agent,
 *   which would defeat the pool (and with our agents it sends the body at once anyway).
 * - The SDK's standard retry strategy: up to maxAttempts tries with exponential backoff
 *   and full jitter on 500/502/503/504, throttling (429, SlowDown, ...), timeouts and
 *   connection errors (ECONNRESET, ECONNREFUSED, EPIPE, ...). Chunk bodies are Buffers,
 *   which the SDK can send again; only stream bodies are not retried. The strategy also
 *   keeps a retry budget per client: in a long outage calls soon fail fast instead of
 *   each one sleeping through all its attempts.
 * - Credentials come from the SDK's default chain (environment, profile, instance role).
 */
export function makeS3Client(cfg: S3BlobConfig): S3Client {
  quietNodeVersionNotice();
  const agentOptions = { keepAlive: true, maxSockets: cfg.maxConcurrency, scheduling: 'lifo' as const };
  return new S3Client({
    region: cfg.region,
    endpoint: cfg.endpoint,
    forcePathStyle: cfg.forcePathStyle,
    maxAttempts: cfg.maxAttempts,
    retryMode: 'standard',
    expectContinueHeader: false,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: 10_000,
      // Idle socket limit: a stalled transfer fails (and is retried) instead of hanging a job.
      socketTimeout: 60_000,
    }),
  });
}

/**
 * The SDK prints a nine-line notice on Node < 22 from the first client's constructor: it
 * is about SDK releases after January 2027, which Kiln (the SDK pinned, Node >= 20.10 in
 * package.json engines) does not take until it moves on, and it printed on every S3
 * command. The SDK has no client option for it, only this variable; an operator who sets
 * it keeps their value.
 */
function quietNodeVersionNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
