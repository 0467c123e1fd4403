import { StoreUnavailableError } from '../../core/ports/store-unavailable.ts';
import { sleep } from './backoff.ts';
import { describeS3Error, s3ErrorName, s3Status } from './s3-errors.ts';

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const throttling = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'ServiceUnavailable']);

/**
 * Whether a failed S3 call says the store is out of reach for now rather than that it
 * refused the request: no answer at all (refused or dropped connection, timeout), a 5xx,
 * throttling, or the bucket missing (an S3-compatible server restarted without its data,
 * while its operator restores it).
 */
export function isS3Unreachable(e: unknown): boolean {
  const status = s3Status(e);
  if (status === undefined) return e instanceof Error && !(e instanceof RangeError) && isNetworkLevel(e);
  return status >= 500 || status === 429 || throttling.has(s3ErrorName(e)) || s3ErrorName(e) === 'NoSuchBucket';
}

/** Errors the SDK raises without a response: connection errors and timeouts carry a code or a name saying so. */
function isNetworkLevel(e: Error): boolean {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return (
    networkCodes.has(code) ||
    ['TimeoutError', 'RequestTimeout', 'AbortError'].includes(e.name) ||
    /socket hang up|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT/.test(e.message) ||
    (e instanceof AggregateError && e.errors.some((x) => x instanceof Error && isNetworkLevel(x)))
  );
}

/**
 * Retries S3 calls through an outage. The SDK's own retries (a few tries within about a
 * second, and a retry budget that runs dry in a long outage) cover a lost packet, not a
 * store restarting for ten seconds; on top of them each call keeps trying, with capped
 * exponential backoff, until the store answers or `windowMs` has passed since the first
 * failure, and then fails with StoreUnavailableError. Counts every unreachable answer,
 * so that writers can tell the store had an outage while they used it (outages()).
 */
export class S3OutageWindow {
  private seen = 0;

  constructor(private readonly windowMs: number) {}

  get outages(): number {
    return this.seen;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    let firstFailure: number | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!isS3Unreachable(e)) throw e;
        this.seen++;
        firstFailure ??= Date.now();
        const waited = Date.now() - firstFailure;
        if (waited >= this.windowMs) {
          throw new StoreUnavailableError('blob', `unreachable for ${Math.round(waited / 1000)} s (KILN_S3_RETRY_WINDOW_MS): ${describeS3Error(e)}`, {
            cause: e,
          });
        }
        // Not full jitter: a store coming back should see every writer again within a few seconds.
        const pause = Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
        await sleep(Math.min(pause, this.windowMs - waited));
      }
    }
  }
}
