// The import file read with HTTP Range requests: a ByteSource for the disk engine's
// readers. Reads are served from segments fetched on demand or ahead (willNeed hints,
// coalesced and sorted by offset), a few requests at a time, within a memory budget.
// Every request passes the URL rules afresh (checkedDestination or fetchChecked), kept-alive
// connections included (range-connections.ts): no range bypasses them.
import { setMaxListeners } from 'node:events';
import type { ByteRange, ByteSource } from '../disk/byte-source.ts';
import { BufferPool } from './buffer-pool.ts';
import { coalesceRanges } from './coalesce-ranges.ts';
import type { RemoteFileIdentity } from './content-range.ts';
import type { DownloadPolicy } from './checked-fetch.ts';
import type { Resolver } from './destination-policy.ts';
import { DownloadError } from './download-error.ts';
import { RangeConnectionPool } from './range-connections.ts';
import { Scatter } from './scatter.ts';
import { DEFAULT_RANGE_RETRIES, fetchRange, type RangeTarget, type RetryRules } from './range-fetch.ts';
import { Segment } from './segment.ts';
import { SegmentIndex } from './segment-index.ts';
import type { TransferPace } from './transfer-pace.ts';

const MiB = 1024 * 1024;

export interface RangeTuning {
  /** Bytes held in memory by fetched and in-flight segments (reads may briefly exceed it). */
  cacheBytes: number;
  /** Read-ahead requests in flight at once (reads that miss are not held back). */
  parallel: number;
  maxRequestBytes: number;
  /** Wanted ranges closer than this are fetched as one request. */
  mergeGapBytes: number;
  /** A read that misses fetches at least this much: nearby metadata comes along. */
  minReadBytes: number;
  /**
   * A hinted range this long or longer is not fetched ahead, and a read's gap this long
   * is fetched straight into the reader's buffer: the socket's reads land where the
   * chunk is hashed, with no segment to copy out of (see read()).
   */
  directBytes: number;
  retries: RetryRules;
  /**
   * Bytes transferred may reach transferFactor x the file size + transferSlackBytes; past
   * that, a crafted image making us fetch the same bytes over and over is stopped.
   */
  transferFactor: number;
  transferSlackBytes: number;
}

export const DEFAULT_RANGE_TUNING: RangeTuning = {
  cacheBytes: 128 * MiB,
  parallel: 4,
  maxRequestBytes: 8 * MiB,
  mergeGapBytes: 512 * 1024,
  minReadBytes: 256 * 1024,
  directBytes: MiB,
  retries: DEFAULT_RANGE_RETRIES,
  transferFactor: 4,
  transferSlackBytes: 256 * MiB,
};

export interface RangeSourceInit {
  url: string;
  policy: DownloadPolicy;
  file: RemoteFileIdentity;
  /** Bytes the probe request already brought, from offset 0. */
  head: Buffer[];
  tuning?: Partial<RangeTuning>;
  signal?: AbortSignal;
  resolve?: Resolver;
  /** Told every byte received and every request's wait; stopped when the source closes. */
  pace?: TransferPace;
}

export class HttpRangeSource implements ByteSource {
  readonly kind = 'ranges' as const;
  readonly size: number;
  /** What was fetched and the most memory held at once, for tests and benchmarks. */
  readonly stats = { requests: 0, bytes: 0, peakHeldBytes: 0 };
  private readonly tuning: RangeTuning;
  private readonly target: RangeTarget;
  private readonly index = new SegmentIndex();
  private readonly queue: Segment[] = [];
  private readonly abort = new AbortController();
  private readonly transferCap: number;
  private readonly pace: TransferPace | undefined;
  private readonly headBytes: number;
  private readonly buffers: BufferPool;
  private readonly connections: RangeConnectionPool;
  private held = 0;
  private inFlight = 0;
  private clock = 0;

  constructor(init: RangeSourceInit) {
    this.size = init.file.size;
    this.pace = init.pace;
    this.tuning = { ...DEFAULT_RANGE_TUNING, ...init.tuning };
    this.transferCap = this.tuning.transferFactor * this.size + this.tuning.transferSlackBytes;
    const { maxRequestBytes, cacheBytes } = this.tuning;
    this.buffers = new BufferPool(maxRequestBytes, Math.ceil(cacheBytes / maxRequestBytes));
    // Read-ahead requests and the lanes' reads that missed it (six lanes by default) in flight at once.
    this.connections = new RangeConnectionPool(Math.max(8, this.tuning.parallel + 2));
    this.target = {
      url: init.url,
      policy: init.policy,
      file: init.file,
      retries: this.tuning.retries,
      resolve: init.resolve,
      connections: this.connections,
      onBytes: (n) => this.account(n),
    };
    // Every request in flight listens to this signal; more than ten at once is by design.
    setMaxListeners(64, this.abort.signal);
    const outer = init.signal;
    if (outer) {
      if (outer.aborted) this.abort.abort(outer.reason);
      else outer.addEventListener('abort', () => this.abort.abort(outer.reason), { once: true });
    }
    const headBytes = init.head.reduce((n, b) => n + b.length, 0);
    this.headBytes = headBytes;
    if (headBytes > 0) {
      const seg = new Segment(0, Math.min(headBytes, this.size));
      seg.fill(headBytes > this.size ? [Buffer.concat(init.head).subarray(0, this.size)] : init.head);
      this.index.add(seg);
      this.held += seg.length;
    }
  }

  async read(buf: Buffer, bufOffset: number, length: number, position: number): Promise<void> {
    if (length === 0) return;
    this.abort.signal.throwIfAborted();
    const end = position + length;
    if (position < 0 || end > this.size) throw new RangeError(`read of ${length} bytes at ${position} is outside the ${this.size}-byte file`);
    // Copying a 4 GiB image's data out of read-ahead segments cost the importer 0.5-1.1 s
    // of CPU (cpu profile, qcow2): long gaps are fetched into `buf` itself instead. The
    // lanes' own reads, six chunks at once, keep the transfer going in place of read-ahead.
    const direct: Promise<void>[] = [];
    for (const gap of this.index.gaps(position, end)) {
      if (gap.end - gap.start >= this.tuning.directBytes)
        direct.push(this.fetchInto(buf.subarray(bufOffset + gap.start - position, bufOffset + gap.end - position), gap));
      else this.fetchNow(gap);
    }
    const segs = this.index.overlapping(position, end);
    for (const s of segs) {
      s.pins++;
      if (s.state === 'queued') this.start(s);
    }
    try {
      // Every fetch into buf is settled before this returns or throws: none writes into it later.
      const failed = (await Promise.allSettled([...direct, ...segs.map((s) => s.done)])).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      this.abort.signal.throwIfAborted();
      const now = ++this.clock;
      for (const s of segs) {
        const from = Math.max(position, s.start);
        const to = Math.min(end, s.end);
        s.copyTo(buf, bufOffset + from - position, from, to);
        s.consumed += to - from;
        s.lastRead = now;
      }
    } finally {
      for (const s of segs) {
        s.pins--;
        if (s.pins === 0 && s.state === 'ready' && s.consumed >= s.length) this.drop(s);
      }
      this.pump();
    }
  }

  /**
   * One request for all of `parts` (a VHD block's bitmap and data); false when some of
   * their bytes are fetched or held already, and read() is to serve each part.
   */
  async readParts(parts: readonly Buffer[], position: number): Promise<boolean> {
    this.abort.signal.throwIfAborted();
    const into = new Scatter(parts);
    const end = position + into.length;
    if (position < 0 || end > this.size) throw new RangeError(`read of ${into.length} bytes at ${position} is outside the ${this.size}-byte file`);
    if (into.length === 0) return true;
    if (this.index.overlapping(position, end).length > 0) return false;
    await this.fetchInto(into, { start: position, end });
    return true;
  }

  willNeed(ranges: readonly ByteRange[]): void {
    if (this.abort.signal.aborted) return;
    // Long ranges are left to the reads, which fetch them into their own buffers.
    const ahead = ranges.filter((r) => r.end - r.start < this.tuning.directBytes);
    const wanted = coalesceRanges(ahead, { gap: this.tuning.mergeGapBytes, maxLength: this.tuning.maxRequestBytes });
    for (const w of wanted) {
      for (const gap of this.index.gaps(Math.max(0, w.start), Math.min(this.size, w.end))) {
        const seg = new Segment(gap.start, gap.end);
        this.index.add(seg);
        this.queue.push(seg);
      }
    }
    this.pump();
  }

  async close(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort(new Error('the import source was closed'));
    this.pace?.stop();
    this.connections.close();
    this.index.clear();
    this.buffers.clear();
    this.queue.length = 0;
    this.held = 0;
  }

  /** A read missed: fetch the gap now (at least minReadBytes of it, up to the next segment). */
  private fetchNow(gap: ByteRange): void {
    const end = Math.min(Math.max(gap.end, gap.start + this.tuning.minReadBytes), this.index.nextStart(gap.end), this.size);
    for (const piece of coalesceRanges([{ start: gap.start, end }], { gap: 0, maxLength: this.tuning.maxRequestBytes })) {
      const seg = new Segment(piece.start, piece.end);
      this.index.add(seg);
      this.start(seg);
    }
  }

  /** Fetches the file's `range` into `into` (its length), outside the segments and their budget. */
  private async fetchInto(into: Buffer | Scatter, range: ByteRange): Promise<void> {
    this.inFlight++;
    this.stats.requests++;
    this.pace?.waiting();
    try {
      await fetchRange(this.target, range.start, range.end, this.abort.signal, into);
    } finally {
      this.inFlight--;
      this.pace?.done();
      this.pump();
    }
  }

  /** Starts queued read-ahead while requests and memory allow; never evicts unread data for it. */
  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.tuning.parallel && !this.abort.signal.aborted) {
      const seg = this.queue[0]!;
      if (seg.state !== 'queued') {
        this.queue.shift();
        continue;
      }
      if (this.held + seg.length > this.tuning.cacheBytes && !this.evictFor(seg.length)) return;
      this.queue.shift();
      this.start(seg);
    }
  }

  private start(seg: Segment): void {
    seg.state = 'fetching';
    this.held += seg.length;
    this.stats.peakHeldBytes = Math.max(this.stats.peakHeldBytes, this.held);
    this.inFlight++;
    this.stats.requests++;
    this.pace?.waiting();
    const into = this.buffers.take(seg.length);
    seg.pooled = into.pooled;
    fetchRange(this.target, seg.start, seg.end, this.abort.signal, into.bytes)
      .then((pieces) => {
        if (this.abort.signal.aborted) throw this.abort.signal.reason;
        seg.fill(pieces);
      })
      .catch((e: unknown) => {
        this.drop(seg);
        seg.fail(e);
      })
      .finally(() => {
        this.inFlight--;
        this.pace?.done();
        this.pump();
      });
  }

  /** Drops read-from segments, least recently read first, until `bytes` more fit. */
  private evictFor(bytes: number): boolean {
    const candidates = this.index.all.filter((s) => s.state === 'ready' && s.pins === 0 && s.consumed > 0).sort((a, b) => a.lastRead - b.lastRead);
    for (const s of candidates) {
      if (this.held + bytes <= this.tuning.cacheBytes) break;
      this.drop(s);
    }
    return this.held + bytes <= this.tuning.cacheBytes;
  }

  /** Forgets a segment nobody reads or fetches into any more (unpinned, fetch settled). */
  private drop(seg: Segment): void {
    if (this.index.remove(seg) && seg.state !== 'queued') this.held -= seg.length;
    if (seg.pooled) this.buffers.give(seg.pooled);
    seg.pooled = undefined;
  }

  private account(n: number): void {
    this.stats.bytes += n;
    this.pace?.progress(this.headBytes + this.stats.bytes);
    if (this.stats.bytes > this.transferCap && !this.abort.signal.aborted) {
      this.abort.abort(
        new DownloadError(
          `reading the image took more than ${this.transferCap} bytes from the import URL (the file has ${this.size}); the image is corrupt or crafted`,
        ),
      );
    }
  }
}
