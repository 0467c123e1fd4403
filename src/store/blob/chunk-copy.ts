import { open } from 'node:fs/promises';
import { dataExtentsOf } from '../../disk/file-extents.ts';
import { libc, POSIX_FADV_WILLNEED } from '../../native/libc.ts';

/**
 * Copies a chunk file's data into another file at `at` with copy_file_range(2): the kernel
 * moves page-cache pages to page-cache pages, where a read and a write cost two copies
 * through a buffer in this process (on the 2-core machine under load, those copies were
 * most of an image-cache fill: 8.4 s against 3.6 s for the same 1.63 GiB, see README).
 * Only the file's data extents are copied (chunk files are written sparse, see
 * LocalBlobStore.writeChunk), so zero blocks stay holes in the target.
 *
 * Returns the chunk's length; undefined where the kernel cannot do it (no FFI addon, a
 * copy refused: the errno is lost on the worker thread), and the caller reads the chunk
 * instead, which reports what is wrong. Throws the open's error (ENOENT) as is, and a
 * RangeError for a chunk longer than `maxLength`.
 */
export async function copyChunkFile(path: string, fd: number, at: number, maxLength: number): Promise<number | undefined> {
  const src = await open(path, 'r');
  try {
    const { size } = await src.stat();
    if (size > maxLength) throw new RangeError(`chunk ${path} is ${size} bytes, more than the ${maxLength} its copy may take`);
    // The whole chunk's read asked of the device at once: a chunk written with O_DIRECT is
    // not in the page cache, and the copy alone reads it a readahead window at a time. An
    // image-cache fill of 1.63 GiB of such chunks took 1.85 s [1.77..1.90] with this
    // against 2.96 s [2.43..3.12] without (4 alternated rounds, load 5-7). A hint: a
    // failure is the copy's to report.
    await libc()?.fadvise(src.fd, 0, size, POSIX_FADV_WILLNEED);
    return (await copyDataRange(src.fd, 0, size, fd, at)) ? size : undefined;
  } finally {
    await src.close();
  }
}

/**
 * Copies the data extents of `[from, from + length)` of the open file `srcFd` to `dstFd`
 * at `at` (the range's start lands there) with copy_file_range(2); holes of the source are
 * left unwritten, so `dstFd` must read as zeros there. False where the kernel cannot do it
 * (no FFI addon, a copy refused) or the source ended early (it shrank meanwhile): the
 * caller falls back to reading, which sees what is there.
 */
export async function copyDataRange(srcFd: number, from: number, length: number, dstFd: number, at: number): Promise<boolean> {
  const c = libc();
  if (!c) return false;
  for (const { offset, length: n } of dataExtentsOf(srcFd, from + length, from) ?? [{ offset: from, length }]) {
    for (let done = 0; done < n; ) {
      const moved = await c.copyFileRange(srcFd, offset + done, dstFd, at + offset - from + done, n - done);
      if (moved <= 0) return false;
      done += moved;
    }
  }
  return true;
}
