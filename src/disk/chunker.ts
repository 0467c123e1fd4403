import type { DiskReader } from './disk-reader.ts';
import { sharedHashPool, type HashPool } from './hash-pool.ts';

export interface ChunkSink {
  putIfAbsent(key: string, data: Buffer, length?: number): Promise<unknown>;
}

export interface ChunkedDisk {
  virtualSize: number;
  chunkSize: number;
  /** SHA-256 hex per chunk of the virtual disk; null for an all-zero chunk (a hole). */
  chunks: (string | null)[];
  /** Bytes of the chunks that hold data. */
  storedSize: number;
}

export interface ChunkOptions {
  chunkSize: number;
  /** Chunks read, hashed and stored at once; bounds memory at inFlight x chunkSize. */
  inFlight?: number;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
  hashPool?: HashPool;
}

/**
 * The one pipeline behind capture and import: allocated extents -> fixed-size chunks
 * aligned to virtual offsets -> zero detection -> SHA-256 on worker threads ->
 * put-if-absent into the sink. Chunks outside every extent are holes and never read.
 */
export async function chunkDisk(reader: DiskReader, sink: ChunkSink, opts: ChunkOptions): Promise<ChunkedDisk> {
  const { chunkSize } = opts;
  const pool = opts.hashPool ?? sharedHashPool();
  const chunkCount = Math.ceil(reader.virtualSize / chunkSize);
  const chunks: (string | null)[] = new Array<string | null>(chunkCount).fill(null);
  const wanted = await chunksTouchedByExtents(reader, chunkSize, chunkCount);
  const totalBytes = wanted.length * chunkSize;

  // Lanes each own one buffer and take the next chunk when done: reads, hashing on the
  // worker threads and writes of different chunks overlap, and memory stays at
  // lanes x chunkSize whatever the image size.
  const lanes = Math.max(1, opts.inFlight ?? 6);
  const zeros = Buffer.alloc(chunkSize);
  let storedSize = 0;
  let doneBytes = 0;
  let next = 0;
  let failure: unknown;

  const lane = async () => {
    let ab: ArrayBuffer | undefined = new ArrayBuffer(chunkSize);
    while (failure === undefined && next < wanted.length) {
      const index = wanted[next++]!;
      try {
        opts.signal?.throwIfAborted();
        const offset = index * chunkSize;
        const length = Math.min(chunkSize, reader.virtualSize - offset);
        // A buffer lost to a failed worker thread is replaced, so the lane keeps going.
        ab ??= new ArrayBuffer(chunkSize);
        const view = Buffer.from(ab, 0, length);
        await reader.read(view, length, offset);
        if (!view.equals(zeros.subarray(0, length))) {
          const sent = ab;
          ab = undefined;
          const { hash, buffer } = await pool.hash(sent, length);
          ab = buffer;
          await sink.putIfAbsent(hash, Buffer.from(buffer, 0, length), length);
          chunks[index] = hash;
          storedSize += length;
        }
        doneBytes += chunkSize;
        opts.onProgress?.(doneBytes, totalBytes);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw failure;
  return { virtualSize: reader.virtualSize, chunkSize, chunks, storedSize };
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
