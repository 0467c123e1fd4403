import type { ByteRange } from '../byte-source.ts';
import type { DiskFormat, DiskReader, Extent } from '../disk-reader.ts';
import type { BoundedFile } from './bounded-file.ts';
import { LruCache } from './lru-cache.ts';

/** Bounds the memory of one read: each in-flight block holds its compressed and inflated bytes. */
export const MAX_INFLATES_IN_FLIGHT = 16;

export const RUN_HOLE = 0;
export const RUN_DATA = 1;
export const RUN_COMPRESSED = 2;
export type RunKind = typeof RUN_HOLE | typeof RUN_DATA | typeof RUN_COMPRESSED;

/**
 * One stretch of the virtual disk with a uniform mapping. Formats fill a caller-owned Run
 * so the hot path allocates nothing per cluster.
 */
export interface Run {
  kind: RunKind;
  /** Bytes of virtual disk covered, > 0 and <= the requested maximum. */
  length: number;
  /** DATA: file offset of the first byte. COMPRESSED: file offset of the compressed block. */
  fileOffset: number;
  /** COMPRESSED: index of the block (cluster/grain) in the virtual disk, the cache key. */
  block: number;
  /** COMPRESSED: offset of the run's first byte inside the decompressed block. */
  inBlock: number;
  /** COMPRESSED: bytes of compressed data (an upper bound where the format only knows that). */
  compressedLength: number;
  /**
   * DATA, from planRun only: bytes before `fileOffset` that reading the run also needs
   * (a VHD block's sector bitmap), hinted ahead as a range of their own.
   */
  lead: number;
}

export function newRun(): Run {
  return { kind: RUN_HOLE, length: 0, fileOffset: 0, block: 0, inBlock: 0, compressedLength: 0, lead: 0 };
}

/**
 * Shared extents/read logic for formats that map the virtual disk in blocks. A format only
 * answers "what is at this virtual offset, and for how long does that stay true"; this class
 * coalesces runs into extents and turns contiguous data runs into single large reads.
 */
export abstract class MappedReader implements DiskReader {
  abstract readonly format: DiskFormat;
  private readonly inflated = new LruCache<number, Buffer>(4);

  protected constructor(
    protected readonly file: BoundedFile,
    readonly virtualSize: number,
  ) {}

  /** Fills `run` for virtual `offset`; `run.length` must be in (0, maxLength]. */
  protected abstract mapRun(offset: number, maxLength: number, run: Run): Promise<void>;

  /** Bytes of one compressed block (cluster/grain) once inflated; 0 for a format without them. */
  protected abstract readonly blockBytes: number;

  /** Decompresses the whole block a COMPRESSED run points at into `out[at, at + blockBytes)`. */
  protected abstract inflateBlock(run: Run, out: Buffer, at: number): Promise<void>;

  /**
   * Like mapRun, for extents and read-ahead hints, where a coarser answer is enough: a
   * run may be DATA where mapRun would find holes inside it (never the reverse). A format
   * overrides it when its exact map costs reads the coarse one does not (VHD bitmaps).
   */
  protected planRun(offset: number, maxLength: number, run: Run): Promise<void> {
    return this.mapRun(offset, maxLength, run);
  }

  async *extents(): AsyncIterable<Extent> {
    const run = newRun();
    let start = -1;
    let end = -1;
    let offset = 0;
    while (offset < this.virtualSize) {
      await this.planChecked(offset, this.virtualSize - offset, run);
      if (run.kind !== RUN_HOLE) {
        if (end === offset) {
          end += run.length;
        } else {
          if (start >= 0) yield { offset: start, length: end - start };
          start = offset;
          end = offset + run.length;
        }
      }
      offset += run.length;
    }
    if (start >= 0) yield { offset: start, length: end - start };
  }

  async read(buf: Buffer, length: number, offset: number): Promise<void> {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.virtualSize && length <= buf.length)) {
      throw new RangeError(`read of ${length} bytes at ${offset} is outside the ${this.virtualSize}-byte disk or the buffer`);
    }
    const run = newRun();
    // Inflates are caught as they are queued (an unobserved rejection would crash the
    // process) and every one is settled before we return or throw: none writes into buf later.
    const pending: Promise<void>[] = [];
    let inflateFailure: unknown;
    const settle = async () => {
      await Promise.all(pending.splice(0));
      if (inflateFailure !== undefined) throw inflateFailure;
    };
    let done = 0;
    try {
      while (done < length) {
        await this.mapChecked(offset + done, length - done, run);
        const n = run.length;
        if (run.kind === RUN_HOLE) {
          buf.fill(0, done, done + n);
        } else if (run.kind === RUN_DATA) {
          await this.file.readInto(buf, done, n, run.fileOffset, `${this.format} data`);
        } else {
          // Compressed blocks land in disjoint parts of buf, so they inflate in parallel. A
          // whole block is inflated where it belongs; only a part of one goes through the cache.
          if (pending.length >= MAX_INFLATES_IN_FLIGHT) await settle();
          const at = done;
          const { inBlock } = run;
          const whole = inBlock === 0 && n === this.blockBytes;
          const inflating = whole
            ? this.inflateBlock({ ...run }, buf, at)
            : this.inflatedBlock({ ...run }).then((b) => void b.copy(buf, at, inBlock, inBlock + n));
          pending.push(
            inflating.catch((e: unknown) => {
              inflateFailure ??= e;
            }),
          );
        }
        done += n;
      }
    } finally {
      await Promise.all(pending.splice(0));
    }
    if (inflateFailure !== undefined) throw inflateFailure;
  }

  /**
   * Maps the virtual ranges to the file ranges their reads will touch and hands those to
   * the source, which fetches them ahead. Only a remote source takes hints, so a local
   * file skips the mapping work. Errors are dropped: the read itself reports them.
   */
  willRead(extents: readonly Extent[]): void {
    if (!this.file.takesHints) return;
    this.fileRangesOf(extents).then(
      (ranges) => this.file.willNeed(ranges),
      () => undefined,
    );
  }

  private async fileRangesOf(extents: readonly Extent[]): Promise<ByteRange[]> {
    const ranges: ByteRange[] = [];
    const run = newRun();
    for (const e of extents) {
      const end = Math.min(e.offset + e.length, this.virtualSize);
      for (let offset = Math.max(0, e.offset); offset < end; offset += run.length) {
        run.lead = 0;
        await this.planChecked(offset, end - offset, run);
        if (run.kind === RUN_DATA) {
          // Two ranges: a remote source may leave long data to the read itself, never the lead.
          if (run.lead > 0) ranges.push({ start: run.fileOffset - run.lead, end: run.fileOffset });
          ranges.push({ start: run.fileOffset, end: run.fileOffset + run.length });
        } else if (run.kind === RUN_COMPRESSED) ranges.push({ start: run.fileOffset, end: run.fileOffset + run.compressedLength });
      }
    }
    return ranges;
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  private async mapChecked(offset: number, maxLength: number, run: Run): Promise<void> {
    await this.mapRun(offset, maxLength, run);
    this.check(offset, maxLength, run);
  }

  private async planChecked(offset: number, maxLength: number, run: Run): Promise<void> {
    await this.planRun(offset, maxLength, run);
    this.check(offset, maxLength, run);
  }

  private check(offset: number, maxLength: number, run: Run): void {
    // A mapping bug must never turn into an endless loop or an overrun of the caller's buffer.
    if (!(run.length > 0 && run.length <= maxLength)) {
      throw new Error(`${this.format} mapping returned a run of ${run.length} bytes at ${offset} (max ${maxLength})`);
    }
  }

  private async inflatedBlock(run: Run): Promise<Buffer> {
    const block = run.block;
    const cached = this.inflated.get(block);
    if (cached) return cached;
    const data = Buffer.allocUnsafe(this.blockBytes);
    await this.inflateBlock(run, data, 0);
    this.inflated.set(block, data);
    return data;
  }
}
