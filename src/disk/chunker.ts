import { availableParallelism } from 'node:os';
import { contentKeyOf } from '../core/chunks/content-key.ts';
import { alignedChunkBuffer, type ChunkBuffer } from '../native/direct-io.ts';
import type { StagedChunk } from '../core/ports/blob-store.ts';
import type { DiskReader, Extent } from './disk-reader.ts';
import { isAllZero } from './nonzero-runs.ts';
import { sharedHashPool, type HashPool } from './hash-pool.ts';

export interface ChunkSink {
  putIfAbsent(key: string, data: Buffer, length?: number): Promise<unknown>;
  /** As BlobStore.stageCopy; publishing the staged chunk stores it as putIfAbsent would. */
  stageCopy?(fd: number, offset: number, length: number): Promise<StagedChunk | undefined>;
}

export interface ChunkedDisk {
  virtualSize: number;
  chunkSize: number;
  /** Content key per chunk of the virtual disk (content-key.ts); null for an all-zero chunk (a hole). */
  chunks: (string | null)[];
  /** Bytes of the chunks that hold data. */
  storedSize: number;
}

export interface ChunkOptions {
  chunkSize: number;
  /** Chunks read, hashed and stored at once; bounds memory at inFlight x chunkSize. */
  inFlight?: number;
  /**
   * Chunks announced to the reader (DiskReader.willRead) ahead of the lanes, so a remote
   * source can fetch their bytes in large requests. Announced in halves of this window.
   */
  readAhead?: number;
  /** Bytes of the virtual disk done (every byte below `doneBytes` is finished) and its size. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
  /**
   * Where the content hash runs: worker threads, or 'inline' on this thread. Default: inline on
   * machines with at most two cores, the shared pool otherwise (see defaultHashing).
   */
  hashPool?: HashPool | 'inline';
}

/**
 * The one pipeline behind capture and import: allocated extents -> fixed-size chunks
 * aligned to virtual offsets -> zero detection -> content key (BLAKE3) ->
 * put-if-absent into the sink. Chunks outside every extent are holes and never read.
 * From a raw local disk into a store that can copy files, a chunk is first copied by the
 * kernel into the store unnamed, then read back from that copy, hashed and named there.
 */
export async function chunkDisk(reader: DiskReader, sink: ChunkSink, opts: ChunkOptions): Promise<ChunkedDisk> {
  const { chunkSize } = opts;
  const hashing = opts.hashPool ?? defaultHashing();
  const pool = hashing === 'inline' ? undefined : hashing;
  const chunkCount = Math.ceil(reader.virtualSize / chunkSize);
  const chunks: (string | null)[] = new Array<string | null>(chunkCount).fill(null);
  const wanted = await chunksTouchedByExtents(reader, chunkSize, chunkCount);

  // Lanes each own one buffer and take the next chunk when done: reads, hashing on the
  // worker threads and writes of different chunks overlap, and memory stays at
  // lanes x chunkSize whatever the image size.
  const lanes = Math.max(1, opts.inFlight ?? 6);
  const announce = readAheadAnnouncer(reader, wanted, chunkSize, opts.readAhead ?? 16);
  const progress = new ProgressFloor(wanted, chunkSize, reader.virtualSize, opts.onProgress);
  // A raw local disk whose chunks the store can copy in the kernel, rather than through
  // the lanes' buffers (BlobStore.stageCopy); each chunk falls back to a read when refused.
  const copyFd = sink.stageCopy ? reader.copySource?.() : undefined;
  // A copy is made before the key is known, and wasted on a chunk the store already holds
  // (a disk captured again): measured under load, 1.5-2x the time of reading it. So after
  // a chunk the store had, the next is read and looked up first; after a new one, copied.
  let lastFound = false;
  let storedSize = 0;
  let next = 0;
  let failure: unknown;

  const lane = async () => {
    // Aligned in memory, so the local store can write a chunk from it with O_DIRECT.
    let buf: ChunkBuffer | undefined = alignedChunkBuffer(chunkSize);
    while (failure === undefined && next < wanted.length) {
      const at = next++;
      const index = wanted[at]!;
      announce(next);
      try {
        opts.signal?.throwIfAborted();
        const offset = index * chunkSize;
        const length = Math.min(chunkSize, reader.virtualSize - offset);
        // A buffer lost to a failed worker thread is replaced, so the lane keeps going.
        buf ??= alignedChunkBuffer(chunkSize);
        const view = Buffer.from(buf.ab, buf.offset, length);
        // Hashed from the store's own copy when it makes one: the key names the bytes stored.
        const staged = copyFd === undefined || lastFound ? undefined : await sink.stageCopy?.(copyFd, offset, length);
        try {
          if (staged) await staged.read(view);
          else await reader.read(view, length, offset);
          if (!isAllZero(view, length)) {
            let hash: string;
            if (pool) {
              const sent: ChunkBuffer = buf;
              buf = undefined;
              const back = await pool.hash(sent.ab, length, sent.offset);
              hash = back.hash;
              buf = { ab: back.buffer, offset: sent.offset };
            } else {
              hash = contentKeyOf(view);
            }
            const wrote = staged ? await staged.publish(hash) : await sink.putIfAbsent(hash, Buffer.from(buf.ab, buf.offset, length), length);
            lastFound = wrote === false;
            chunks[index] = hash;
            storedSize += length;
          }
        } finally {
          await staged?.discard();
        }
        progress.finished(at);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw failure;
  progress.end();
  return { virtualSize: reader.virtualSize, chunkSize, chunks, storedSize };
}

/**
 * On two cores or fewer, hashing on worker threads costs more than it saves (measured with
 * bench/import-pipeline.ts): each chunk is posted to a worker and back (two thread
 * hand-offs on cores the main thread needs), and every returned buffer counts as 4 MiB of
 * new external memory, which brings the garbage collector round more often. BLAKE3 runs at
 * ~4.5 GB/s here, under 1 ms a 4 MiB chunk on this thread.
 */
function defaultHashing(): HashPool | 'inline' {
  return availableParallelism() <= 2 ? 'inline' : sharedHashPool();
}

/** Chunk indices that any extent touches, ascending and without repeats. */
async function chunksTouchedByExtents(reader: DiskReader, chunkSize: number, chunkCount: number): Promise<number[]> {
  const out: number[] = [];
  let last = -1;
  for await (const { offset, length } of reader.extents()) {
    if (length <= 0) continue;
    const first = Math.max(Math.floor(offset / chunkSize), last + 1);
    const end = Math.min(Math.ceil((offset + length) / chunkSize), chunkCount);
    for (let i = first; i < end; i++) out.push(i);
    if (end - 1 > last) last = end - 1;
  }
  return out;
}

/**
 * Returns `announce(taken)`: keeps the reader told about the chunks up to `window` past
 * the lanes, in batches of half the window so a remote source can coalesce them.
 */
function readAheadAnnouncer(reader: DiskReader, wanted: number[], chunkSize: number, window: number): (taken: number) => void {
  if (!reader.willRead || window <= 0) return () => undefined;
  const batch = Math.max(1, Math.floor(window / 2));
  let told = 0;
  const announce = (taken: number) => {
    const upTo = Math.min(wanted.length, taken + window);
    if (upTo - told < batch && upTo < wanted.length) return;
    if (upTo <= told) return;
    const extents: Extent[] = [];
    for (let i = told; i < upTo; i++) {
      const offset = wanted[i]! * chunkSize;
      const length = Math.min(chunkSize, reader.virtualSize - offset);
      const last = extents.at(-1);
      if (last && last.offset + last.length === offset) last.length += length;
      else extents.push({ offset, length });
    }
    told = upTo;
    reader.willRead?.(extents);
  };
  announce(0);
  return announce;
}

/**
 * Progress as bytes of the virtual disk: everything below the first unfinished chunk is
 * done (holes included), so the figure only rises, whatever order the lanes finish in.
 */
class ProgressFloor {
  private readonly done: boolean[];
  private low = 0;

  constructor(
    private readonly wanted: number[],
    private readonly chunkSize: number,
    private readonly virtualSize: number,
    private readonly report: ((doneBytes: number, totalBytes: number) => void) | undefined,
  ) {
    this.done = new Array<boolean>(wanted.length).fill(false);
  }

  finished(at: number): void {
    this.done[at] = true;
    if (at !== this.low) return;
    while (this.low < this.done.length && this.done[this.low]) this.low++;
    const floor = this.low < this.wanted.length ? this.wanted[this.low]! * this.chunkSize : this.virtualSize;
    this.report?.(floor, this.virtualSize);
  }

  end(): void {
    this.report?.(this.virtualSize, this.virtualSize);
  }
}
