// One range of the import file, fetched through the checked GET with bounded retries. A
// connection that drops mid-body resumes from the last byte received: a transient
// failure costs one range, never the whole import.
import type { IncomingMessage } from 'node:http';
import type { Resolver } from './destination-policy.ts';
import { checkedDestination, fetchChecked, type DownloadPolicy } from './checked-fetch.ts';
import { checkRangeAnswer, type RemoteFileIdentity } from './content-range.ts';
import { DownloadError } from './download-error.ts';
import { plainRangeGet } from './plain-range-get.ts';
import type { RangeConnectionPool } from './range-connections.ts';
import { Scatter } from './scatter.ts';

export interface RetryRules {
  /** Tries per range, the first included. */
  attempts: number;
  /** Wait before the second try; doubles each time up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RANGE_RETRIES: RetryRules = { attempts: 5, baseDelayMs: 250, maxDelayMs: 4000 };

export interface RangeTarget {
  url: string;
  policy: DownloadPolicy;
  file: RemoteFileIdentity;
  retries: RetryRules;
  resolve?: Resolver;
  /** Called with each body piece's size as it arrives (transfer accounting). */
  onBytes: (n: number) => void;
  /**
   * Set once a plain-HTTP range answer was not the plain 206 plainRangeGet takes (a
   * redirect, an error, a chunked body): the rest of the import asks through fetchChecked.
   */
  plainDeclined?: boolean;
  /** Kept-alive connections for the plain-HTTP ranges (range-connections.ts). */
  connections?: RangeConnectionPool;
}

/**
 * The bytes of `[start, end)` as received, in order; they add up to exactly `end - start`.
 * With `into` (at least `end - start` bytes, one buffer or parts filled in order), each
 * piece is copied there as it arrives and the answer is `into` cut to the range (a Buffer
 * given) or empty (a Scatter given).
 */
export async function fetchRange(t: RangeTarget, start: number, end: number, signal: AbortSignal, into?: Buffer | Scatter): Promise<Buffer[]> {
  if (into && into.length < end - start) throw new RangeError(`a ${into.length}-byte buffer cannot hold bytes ${start}-${end - 1}`);
  const scatter = into instanceof Scatter ? into.cut(end - start) : into ? new Scatter([into.subarray(0, end - start)]) : undefined;
  const filled = (): Buffer[] => (Buffer.isBuffer(into) ? [into.subarray(0, end - start)] : []);
  const pieces: Buffer[] = [];
  let got = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      if (scatter && (await fetchPlainly(t, start + got, end, signal, scatter.from(got), (n) => (got += n)))) return filled();
      await fetchOnce(t, start + got, end, signal, (b) => {
        if (scatter) scatter.copyIn(b, got);
        else pieces.push(b);
        got += b.length;
      });
      return scatter ? filled() : pieces;
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      // Body and connection failures arrive as transient DownloadErrors; anything else
      // (a refusal, a changed file, a bug) is not worth repeating.
      if (!(e instanceof DownloadError && e.transient)) throw e;
      if (attempt >= t.retries.attempts) {
        throw new DownloadError(`reading bytes ${start}-${end - 1} of the import file failed ${attempt} times: ${e.reason}`, { transient: true, cause: e });
      }
      await sleep(Math.min(t.retries.maxDelayMs, t.retries.baseDelayMs * 2 ** (attempt - 1)), signal);
    }
  }
}

/**
 * The range read straight into `into` over plain HTTP (plain-range-get.ts): true when done,
 * false when that way does not apply or was declined (then for the rest of the import).
 */
async function fetchPlainly(t: RangeTarget, start: number, end: number, signal: AbortSignal, into: Scatter, advance: (n: number) => void): Promise<boolean> {
  if (t.plainDeclined || new URL(t.url).protocol !== 'http:') return false;
  const { target, addresses } = await checkedDestination(t.url, t.policy, { signal, resolve: t.resolve });
  const onBytes = (n: number) => {
    advance(n);
    t.onBytes(n);
  };
  const outcome = await plainRangeGet({
    target,
    addresses,
    start,
    end,
    file: t.file,
    timeoutMs: t.policy.timeoutMs,
    signal,
    into,
    onBytes,
    connections: t.connections,
  });
  if (outcome === 'done') return true;
  t.plainDeclined = true;
  return false;
}

async function fetchOnce(t: RangeTarget, start: number, end: number, signal: AbortSignal, take: (b: Buffer) => void): Promise<void> {
  const last = end - 1;
  const res = await fetchChecked(t.url, t.policy, { signal, resolve: t.resolve, headers: { range: `bytes=${start}-${last}` } });
  checkRangeAnswer(res, start, last, t.file);
  await readBody(res, end - start, signal, (b) => {
    t.onBytes(b.length);
    take(b);
  });
}

/**
 * Reads a body that must be exactly `length` bytes (Content-Range said so). A dropped
 * connection or a short body is a transient DownloadError: the caller may ask again.
 */
export async function readBody(res: IncomingMessage, length: number, signal: AbortSignal | undefined, take: (b: Buffer) => void): Promise<void> {
  let got = 0;
  try {
    for await (const piece of res as AsyncIterable<Buffer>) {
      got += piece.length;
      // The range was checked, so more than asked for is a broken server, not a bigger file.
      if (got > length) throw new DownloadError(`import URL sent more than the ${length} bytes it announced`);
      take(piece);
    }
  } catch (e) {
    res.destroy();
    if (e instanceof DownloadError || signal?.aborted) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'connection closed';
    throw new DownloadError(`the connection dropped after ${got} of ${length} bytes (${code})`, { transient: true, cause: e });
  }
  if (got < length) throw new DownloadError(`the answer ended after ${got} of ${length} bytes`, { transient: true });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
