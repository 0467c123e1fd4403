/**
 * An image's virtual disk read through the ports: the manifest's chunks in order, holes
 * as zeros. Reads go forward only (downloads stream front to back), a few chunks ahead.
 */
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { Manifest } from '../core/model.ts';

const READ_AHEAD = 4;

export class VirtualDisk {
  readonly #inFlight = new Map<number, Promise<Buffer>>();
  readonly #zero: Buffer;

  constructor(
    readonly manifest: Manifest,
    private readonly blobs: BlobStore,
  ) {
    this.#zero = Buffer.alloc(manifest.chunkSize);
  }

  get size(): number {
    return this.manifest.virtualSize;
  }

  /** Guest byte ranges of the stored chunks, ascending: everything else reads as zeros. */
  allocated(): Array<[start: number, end: number]> {
    const { chunkSize, chunks, virtualSize } = this.manifest;
    const out: Array<[number, number]> = [];
    chunks.forEach((key, i) => {
      if (key !== null) out.push([i * chunkSize, Math.min((i + 1) * chunkSize, virtualSize)]);
    });
    return out;
  }

  #chunk(i: number): Promise<Buffer> {
    for (let j = i; j < Math.min(i + READ_AHEAD, this.manifest.chunks.length); j++) {
      const key = this.manifest.chunks[j];
      if (key && !this.#inFlight.has(j)) {
        const p = (async () => {
          const buf = Buffer.allocUnsafe(this.manifest.chunkSize);
          const n = await this.blobs.readInto(key, buf);
          return buf.subarray(0, n);
        })();
        p.catch(() => {}); // awaited by whoever asks for it; a failure is theirs to see
        this.#inFlight.set(j, p);
      }
    }
    const key = this.manifest.chunks[i];
    if (!key) return Promise.resolve(this.#zero);
    const p = this.#inFlight.get(i)!;
    // Chunks behind the reader are not needed again.
    for (const j of this.#inFlight.keys()) if (j < i) this.#inFlight.delete(j);
    return p;
  }

  /** Bytes [start, end) in order; hole pieces are slices of one shared zero buffer. */
  async *range(start: number, end: number): AsyncGenerator<Buffer> {
    const { chunkSize } = this.manifest;
    let at = start;
    const stop = Math.min(end, this.size);
    while (at < stop) {
      const i = Math.floor(at / chunkSize);
      const data = await this.#chunk(i);
      const from = at - i * chunkSize;
      const to = Math.min(chunkSize, stop - i * chunkSize);
      // A stored chunk shorter than its slot (the last one) reads as zeros past its end.
      const piece =
        data.length >= to
          ? data.subarray(from, to)
          : Buffer.concat([data.subarray(from), this.#zero.subarray(0, to - Math.max(from, data.length))]).subarray(0, to - from);
      yield piece;
      at += to - from;
    }
  }
}
