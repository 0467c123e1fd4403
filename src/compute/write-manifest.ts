import { type FileHandle, open } from 'node:fs/promises';
import type { Manifest } from '../core/model.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import { nonZeroRuns } from '../disk/nonzero-runs.ts';
import { startWriteback } from '../native/durability.ts';

/** Chunks read from the blob store at once: S3 reads are latency-bound, so keep several. */
const READERS = 4;
/** Zero blocks this size or larger inside a chunk are left as holes (the file's own blocks are 4 KiB). */
const HOLE_BLOCK = 64 * 1024;

/**
 * Writes an image's chunks into a sparse file of its virtual size at their offsets and
 * syncs it: how a node's image cache entry gets its bytes. The file must read as zeros
 * where nothing is written (freshly truncated), since holes (absent chunks, and zero
 * blocks inside chunks) are skipped rather than written.
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
    // Reads overlap, writes take turns: concurrent buffered writes into one file queue on
    // its inode lock and, on a busy 2-core node, made the fill 2-5x slower than one
    // writer (see bench/fill-pipeline.ts).
    let writing: Promise<void> = Promise.resolve();
    // Writeback of each chunk starts once it is written (as the blob store does for its
    // chunks), so the closing fdatasync finds little left and the device works while the
    // next chunks are read. Hints only: their failures are the fdatasync's to report.
    const writebacks: Promise<void>[] = [];
    const reader = async () => {
      const buf = Buffer.allocUnsafe(manifest.chunkSize);
      while (next < present.length) {
        signal?.throwIfAborted();
        const { key, index } = present[next++]!;
        const n = await blobs.readInto(key, buf);
        const at = index * manifest.chunkSize;
        const turn = writing.then(async () => {
          await writeRuns(fh, buf, n, at);
          writebacks.push(startWriteback(fh.fd, at, n).catch(() => undefined));
        });
        // The lane goes on after a failure; the failure itself is this reader's to throw.
        writing = turn.catch(() => undefined);
        await turn;
        onProgress?.(++done, present.length);
      }
    };
    await Promise.all(Array.from({ length: READERS }, reader));
    await Promise.all(writebacks);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

async function writeRuns(fh: FileHandle, buf: Buffer, length: number, at: number): Promise<void> {
  for (const [start, end] of nonZeroRuns(buf, length, HOLE_BLOCK)) {
    let off = start;
    while (off < end) {
      const { bytesWritten } = await fh.write(buf, off, end - off, at + off);
      off += bytesWritten;
    }
  }
}
