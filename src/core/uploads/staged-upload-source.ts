import type { ByteSource } from '../../disk/byte-source.ts';
import { LruCache } from '../../disk/formats/lru-cache.ts';
import type { UploadPart } from '../model.ts';
import type { BlobStore } from '../ports/blob-store.ts';

/**
 * Parts kept in memory at once. Format readers mostly walk forward (qcow2 clusters in
 * virtual-disk order sit close together in the file), with a table read now and then, so
 * a few parts serve nearly every read while memory stays at a few chunk sizes.
 */
const CACHED_PARTS = 4;

/**
 * An upload's staged parts read back as one file: the ByteSource the disk engine reads,
 * exactly as it reads a local file or a URL's ranges. A part stored as a hole reads as zeros.
 * The parts are pending chunks of their upload, so no collector deletes one under a reader.
 */
export class StagedUploadSource implements ByteSource {
  private readonly cache = new LruCache<number, Promise<Buffer>>(CACHED_PARTS);

  constructor(
    private readonly blobs: BlobStore,
    private readonly parts: readonly UploadPart[],
    readonly size: number,
  ) {
    let at = 0;
    for (const p of parts) {
      if (p.start !== at) throw new Error(`upload parts leave a gap at byte ${at}`);
      at += p.length;
    }
    if (at !== size) throw new Error(`upload parts hold ${at} bytes of ${size}`);
  }

  async read(buf: Buffer, bufOffset: number, length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const at = position + done;
      const index = this.partAt(at);
      const part = this.parts[index]!;
      const from = at - part.start;
      const n = Math.min(length - done, part.length - from);
      if (part.chunkKey === null) buf.fill(0, bufOffset + done, bufOffset + done + n);
      else (await this.bytesOf(index)).copy(buf, bufOffset + done, from, from + n);
      done += n;
    }
  }

  /** Each part's bytes in file order, holes as zeros: for a pass over the whole file. */
  async *sequential(signal?: AbortSignal): AsyncGenerator<Buffer> {
    let zeros: Buffer | undefined;
    for (const part of this.parts) {
      signal?.throwIfAborted();
      if (part.chunkKey === null) {
        if (!zeros || zeros.length < part.length) zeros = Buffer.alloc(part.length);
        yield zeros.subarray(0, part.length);
      } else {
        yield await readPart(this.blobs, part.chunkKey, part.length);
      }
    }
  }

  async close(): Promise<void> {}

  private partAt(position: number): number {
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.parts[mid]!.start <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private bytesOf(index: number): Promise<Buffer> {
    const hit = this.cache.get(index);
    if (hit) return hit;
    const part = this.parts[index]!;
    const loading = readPart(this.blobs, part.chunkKey!, part.length);
    this.cache.set(index, loading);
    // A failed read is not kept: the next read of this part tries the store again.
    loading.catch(() => this.cache.set(index, readPart(this.blobs, part.chunkKey!, part.length)));
    return loading;
  }
}

async function readPart(blobs: BlobStore, key: string, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const n = await blobs.readInto(key, buf);
  if (n !== length) throw new Error(`staged part ${key} holds ${n} bytes, ${length} expected`);
  return buf;
}
