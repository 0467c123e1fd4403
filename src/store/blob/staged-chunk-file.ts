import type { FileHandle } from 'node:fs/promises';
import type { StagedChunk } from '../../core/ports/blob-store.ts';

/**
 * A chunk the kernel copied into an unnamed file of the local store (LocalBlobStore.stageCopy),
 * waiting for its key. The file has no name until published, so nobody else can change it
 * between the read that hashes it and the link that names it; a discarded or abandoned one
 * is freed by the kernel when its handle closes.
 */
export class StagedChunkFile implements StagedChunk {
  private open = true;

  constructor(
    private readonly fh: FileHandle,
    private readonly length: number,
    private readonly publishAs: (fh: FileHandle, key: string, deferSync: boolean) => Promise<boolean>,
  ) {}

  async read(buf: Buffer): Promise<void> {
    this.mustBeOpen();
    if (buf.length < this.length) throw new RangeError(`a ${buf.length}-byte buffer cannot take the ${this.length}-byte staged chunk`);
    for (let done = 0; done < this.length; ) {
      const { bytesRead } = await this.fh.read(buf, done, this.length - done, done);
      // Truncated to its length before it was handed out, and nobody else can reach it.
      if (bytesRead === 0) throw new Error(`staged chunk ended at ${done} of ${this.length} bytes`);
      done += bytesRead;
    }
  }

  async publish(key: string, opts: { deferSync?: boolean } = {}): Promise<boolean> {
    this.mustBeOpen();
    try {
      return await this.publishAs(this.fh, key, opts.deferSync ?? false);
    } finally {
      await this.discard();
    }
  }

  async discard(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.fh.close();
  }

  private mustBeOpen(): void {
    if (!this.open) throw new Error('staged chunk used after it was published or discarded');
  }
}
