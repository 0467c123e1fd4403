import { type FileHandle, open } from 'node:fs/promises';
import type { Manifest } from '../core/model.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import { HOLE_BLOCK, nonZeroRuns } from '../disk/nonzero-runs.ts';
import { startWriteback } from '../native/durability.ts';

/** Chunks read from the blob store at once: S3 reads are latency-bound, so keep several. */
const READERS = 4;
/** Chunks copied at once from local chunk files (see copyChunks). */
const COPY_LANES = 3;

/**
 * Writes an image's chunks into a sparse file of its virtual size at their offsets and
 * syncs it: how a node's image cache entry gets its bytes. The file must read as zeros
 * where nothing is written (freshly truncated), since holes (absent chunks, and zero
 * blocks inside chunks) are skipped rather than written. From a local blob store the
 * kernel copies the chunk files (copy_file_range, their holes skipped); from any other,
 * chunks pass through buffers here.
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
    const present = manifest.chunks.map((key, index) => ({ key, index })).filter((c): c is Chunk => c.key !== null);
    // Writeback of each chunk starts once it is written (as the blob store does for its
    // chunks), so the closing fdatasync finds little left and the device works while the
    // next chunks are copied. Hints only: their failures are the fdatasync's to report.
    const writebacks: Promise<void>[] = [];
    const fill: Fill = {
      fh,
      manifest,
      blobs,
      signal,
      written: (at, n, done) => {
        writebacks.push(startWriteback(fh.fd, at, n).catch(() => undefined));
        onProgress?.(done, present.length);
      },
    };
    await (blobs.copyInto ? copyChunks(fill, present) : readAndWrite(fill, present));
    await Promise.all(writebacks);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

interface Chunk {
  key: string;
  index: number;
}

interface Fill {
  fh: FileHandle;
  manifest: Manifest;
  blobs: BlobStore;
  signal: AbortSignal | undefined;
  written(at: number, length: number, done: number): void;
}

/**
 * A store of local chunk files: each chunk copied by the kernel (BlobStore.copyInto). A
 * chunk's copy is one call on a worker thread between four trips through the event loop
 * (open, fstat, close, the writeback hint), which under load took as long as the copy
 * itself (strace of a fill in `kiln serve`: 11 s for 446 chunks, 2.7 s of it copying), so a
 * few chunks are in flight: one copies while the others make their trips. A chunk the
 * kernel would not copy is read and written instead.
 */
async function copyChunks({ fh, manifest, blobs, signal, written }: Fill, present: Chunk[]): Promise<void> {
  let next = 0;
  let done = 0;
  const lane = async () => {
    let buf: Buffer | undefined;
    while (next < present.length) {
      signal?.throwIfAborted();
      const { key, index } = present[next++]!;
      const at = index * manifest.chunkSize;
      let n = await blobs.copyInto!(key, fh.fd, at, manifest.chunkSize);
      if (n === undefined) {
        buf ??= Buffer.allocUnsafe(manifest.chunkSize);
        n = await blobs.readInto(key, buf);
        await writeRuns(fh, buf, n, at);
      }
      written(at, n, ++done);
    }
  };
  await Promise.all(Array.from({ length: COPY_LANES }, lane));
}

/** Any other store (S3): chunks read a few at a time into buffers, written one at a time. */
async function readAndWrite({ fh, manifest, blobs, signal, written }: Fill, present: Chunk[]): Promise<void> {
  let done = 0;
  let next = 0;
  // Reads overlap, writes take turns: concurrent buffered writes into one file queue on
  // its inode lock and, on a busy 2-core node, made the fill 2-5x slower than one
  // writer (see bench/fill-pipeline.ts).
  let writing: Promise<void> = Promise.resolve();
  const reader = async () => {
    const buf = Buffer.allocUnsafe(manifest.chunkSize);
    while (next < present.length) {
      signal?.throwIfAborted();
      const { key, index } = present[next++]!;
      const n = await blobs.readInto(key, buf);
      const at = index * manifest.chunkSize;
      const turn = writing.then(async () => {
        await writeRuns(fh, buf, n, at);
        written(at, n, ++done);
      });
      // The lane goes on after a failure; the failure itself is this reader's to throw.
      writing = turn.catch(() => undefined);
      await turn;
    }
  };
  await Promise.all(Array.from({ length: READERS }, reader));
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
