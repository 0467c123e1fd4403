// A Range GET over plain HTTP read straight off the socket into the caller's buffer. The
// node:http client hands its body over as a fresh 64 KiB Buffer per socket read, each
// parsed, pushed through a stream and collected, then copied: for the gigabytes of an
// import that was the largest CPU cost of the importing process (cpu profile of a 4 GiB
// qcow2 import: 3.7 s in socketOnData, 4.4 s of garbage collection, 2.0 s copying pieces).
// Here the head is read into the connection's small buffer and parsed once, and from then
// on the socket reads (`onread`) land in the range's own buffer: no piece, no copy. A
// loopback read of 1.6 GiB took 0.5-0.6 s of CPU against 1.1-1.5 s for node:http (same
// run, with one copy still). Connections are kept alive for the next range
// (range-connections.ts says why reuse keeps the destination checks). Only the answer a
// ranged import expects is taken (206, Content-Length, no transfer coding); anything else
// is 'declined' and the caller asks again through fetchChecked, which handles redirects,
// errors and HTTPS.
import type { LookupAddress } from 'node:dns';
import { checkRangeHead, type RangeHeaders, type RemoteFileIdentity } from './content-range.ts';
import { DownloadError } from './download-error.ts';
import { explainRequestError } from './http-get.ts';
import { RangeConnection, RangeConnectionPool } from './range-connections.ts';
import type { Scatter } from './scatter.ts';
import type { CheckedUrl } from './url-policy.ts';

/** A head larger than this is no answer a file server sends to a Range request. */
const MAX_HEAD_BYTES = 64 * 1024;

export interface PlainRangeRequest {
  target: CheckedUrl;
  /** The addresses checked for this request: a new connection is pinned to them, a reused one is connected to one of them. */
  addresses: readonly LookupAddress[];
  /** `[start, end)` of the file. */
  start: number;
  end: number;
  file: RemoteFileIdentity;
  timeoutMs: number;
  signal: AbortSignal;
  /** Exactly `end - start` bytes: where the body goes (one buffer, or parts filled in order). */
  into: Scatter;
  /** Body bytes received so far, `n` more: the caller's transfer accounting and resume point. */
  onBytes: (n: number) => void;
  /** The import's kept-alive connections; without it, one connection for this request alone. */
  connections?: RangeConnectionPool;
}

/**
 * 'done' once `into` holds the whole range; 'declined' (nothing received) when the answer
 * is not a plain 206 of that range, so the caller can ask the ordinary way. A connection
 * that fails or ends early is a transient DownloadError, as in readBody; `onBytes` has
 * told the caller how far `into` was filled.
 */
export function plainRangeGet(r: PlainRangeRequest): Promise<'done' | 'declined'> {
  const length = r.end - r.start;
  if (r.into.length !== length) throw new RangeError(`a ${r.into.length}-byte buffer for bytes ${r.start}-${r.end - 1}`);
  const pool = r.connections ?? new RangeConnectionPool(0);
  const { conn, reused } = pool.take(r.target, r.addresses);
  return askOn(r, pool, conn).catch((e: unknown) => {
    // A kept-alive connection the server closed just as we asked (its idle timeout) ends
    // before a byte of the answer: asked again at once on a new connection, as browsers do.
    if (!(reused && e instanceof Unanswered) || r.signal.aborted) throw unwrap(e);
    return askOn(r, pool, new RangeConnection(r.target, r.addresses)).catch((again: unknown) => {
      throw unwrap(again);
    });
  });
}

/** A request whose connection ended before any byte of the answer arrived. */
class Unanswered {
  constructor(readonly error: unknown) {}
}

function unwrap(e: unknown): unknown {
  return e instanceof Unanswered ? e.error : e;
}

function askOn(r: PlainRangeRequest, pool: RangeConnectionPool, conn: RangeConnection): Promise<'done' | 'declined'> {
  const length = r.end - r.start;
  const { target, into } = r;
  const scratch = conn.scratch;
  return new Promise((resolve, reject) => {
    let head: Buffer | undefined;
    let inHead = true;
    let heard = false;
    let keepAlive = false;
    let got = 0;
    let settled = false;
    const finish = (outcome: 'done' | 'declined' | Error | unknown, failed = false) => {
      if (settled) return;
      settled = true;
      r.signal.removeEventListener('abort', onAbort);
      // Only a connection whose answer was read exactly to its end can carry the next.
      if (outcome === 'done' && keepAlive) pool.give(target, conn);
      else conn.destroy();
      if (failed) reject(heard ? outcome : new Unanswered(outcome));
      else resolve(outcome as 'done' | 'declined');
    };
    const onAbort = () => finish(r.signal.reason, true);
    const received = (n: number) => {
      got += n;
      r.onBytes(n);
      if (got === length) finish('done');
    };
    // Where the next socket read lands: the head buffer until the head is parsed, then the
    // unfilled rest of the range, so the kernel copies the body where it is wanted and no
    // read can go past the range's end.
    const nextBuffer = (): Buffer => (inHead || settled || got >= length ? scratch : into.spaceAt(got));
    const onRead = (n: number, buf: Uint8Array): void => {
      if (settled) return;
      heard = true;
      try {
        if (!inHead) {
          received(n);
          return;
        }
        // Nearly always the whole head is in the first read: only a split one is copied.
        const read = Buffer.from(buf.buffer, buf.byteOffset, n);
        const seen = head ? Buffer.concat([head, read]) : read;
        const ends = seen.indexOf('\r\n\r\n');
        if (ends < 0) {
          head = Buffer.from(seen);
          if (head.length > MAX_HEAD_BYTES) finish(invalid(target, 'a head over 64 KiB'), true);
          return;
        }
        const parsed = parseHead(seen.subarray(0, ends).toString('latin1'), target);
        const rest = seen.subarray(ends + 4);
        inHead = false;
        head = undefined;
        if (!takesPlainly(parsed, length)) {
          finish('declined');
          return;
        }
        checkRangeHead(parsed.status, parsed.headers, r.start, r.end - 1, r.file);
        // The range was checked, so more than asked for is a broken server, not a bigger file.
        if (rest.length > length) throw new DownloadError(`import URL sent more than the ${length} bytes it announced`);
        keepAlive = parsed.keepAlive;
        into.copyIn(rest, 0);
        if (rest.length > 0 || length === 0) received(rest.length);
      } catch (e) {
        finish(e, true);
      }
    };
    const ended = (e: Error | undefined, timedOut: boolean) => {
      if (timedOut) {
        finish(new DownloadError(`import URL host ${target.hostPort} stopped responding (no data for ${r.timeoutMs} ms)`, { transient: true }), true);
      } else if (e) {
        finish(explainRequestError(e, target, r.signal), true);
      } else {
        const why = inHead ? 'before its head' : `after ${got} of ${length} bytes`;
        finish(new DownloadError(`the connection dropped ${why}`, { transient: true }), true);
      }
    };
    conn.use({ buffer: nextBuffer, read: onRead, ended }, r.timeoutMs);
    if (r.signal.aborted) return onAbort();
    r.signal.addEventListener('abort', onAbort, { once: true });
    // The URL parser percent-encodes path and query, so they carry no spaces or line breaks.
    conn.socket.write(
      `GET ${target.url.pathname}${target.url.search} HTTP/1.1\r\nHost: ${target.url.host}\r\nRange: bytes=${r.start}-${r.end - 1}\r\n` +
        'Accept: */*\r\nAccept-Encoding: identity\r\nUser-Agent: kiln-import\r\n\r\n',
    );
  });
}

interface Head {
  status: number;
  /** Whether the server leaves the connection open after this answer (HTTP/1.1 without `Connection: close`). */
  keepAlive: boolean;
  headers: RangeHeaders & { 'content-length'?: string; 'transfer-encoding'?: string; connection?: string };
}

/** Status line and the few fields a range answer is judged by; malformed heads are refused. */
function parseHead(text: string, target: CheckedUrl): Head {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (!status) throw invalid(target, 'no HTTP/1.x status line');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw invalid(target, 'a malformed header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!WANTED.has(name)) continue;
    const value = line.slice(colon + 1).trim();
    // Two different lengths or ranges (request smuggling's tool) leave the body's end unknown.
    if (headers[name] !== undefined && headers[name] !== value) throw invalid(target, `two different ${name} fields`);
    headers[name] = value;
  }
  const keepAlive = status[1] === '1' && !/(?:^|,)\s*close\s*(?:,|$)/i.test(headers.connection ?? '');
  return { status: Number(status[2]), keepAlive, headers };
}

const WANTED = new Set(['content-range', 'content-length', 'transfer-encoding', 'etag', 'last-modified', 'connection']);

function takesPlainly(h: Head, length: number): boolean {
  return h.status === 206 && h.headers['transfer-encoding'] === undefined && h.headers['content-length'] === String(length);
}

function invalid(target: CheckedUrl, what: string): DownloadError {
  return new DownloadError(`import URL host ${target.hostPort} sent an invalid HTTP response (${what})`);
}
