import { open } from 'node:fs/promises';
import type { Manifest } from '../core/model.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';

/**
 * Writes an image's chunks into a sparse file of its virtual size at their offsets (holes
 * stay holes) and syncs it: how a node's image cache entry gets its bytes.
 */
export async function writeManifest(
  path: string,
  manifest: Manifest,
  blobs: BlobStore,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const present = manifest.chunks.map((key, index) => ({ key, index })).filter((c): c is { key: string; index: number } => c.key !== null);
    let done = 0;
    let next = 0;
    // A few chunks at once keeps the disk busy without holding many buffers.
    const worker = async () => {
      const buf = Buffer.allocUnsafe(manifest.chunkSize);
      while (next < present.length) {
        signal?.throwIfAborted();
        const { key, index } = present[next++]!;
        const n = await blobs.readInto(key, buf);
        let off = 0;
        while (off < n) {
          const { bytesWritten } = await fh.write(buf, off, n - off, index * manifest.chunkSize + off);
          off += bytesWritten;
        }
        onProgress?.(++done, present.length);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
