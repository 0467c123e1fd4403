import { open } from 'node:fs/promises';
import { libc, SYNC_FILE_RANGE_WRITE } from './libc.ts';

/**
 * The file-system durability steps Kiln's writers share (the blob store's chunks, the
 * image cache's fills). Linux semantics: a file's data and size are durable after its
 * fdatasync, a name after an fsync of the directory holding it.
 */

/** fsync of a directory: the entries made in it (create, link, rename) survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fdatasync of a file by name (another handle's writes are flushed too: same inode). */
export async function dataSync(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/**
 * Starts writeback of the file's dirty pages and returns without waiting for the device,
 * so the data is on its way while the writer goes on, and a later fdatasync or syncfs
 * finds little left to write; `offset`/`length` limit it to a range (length 0: to the
 * end). A hint: where it is unavailable or fails, that later sync writes the data itself.
 */
export async function startWriteback(fd: number, offset = 0, length = 0): Promise<void> {
  await libc()?.syncFileRange(fd, offset, length, SYNC_FILE_RANGE_WRITE);
}

/**
 * syncfs(2) of the filesystem holding `path`: every file's data and every directory
 * entry on it, whoever wrote them, in one journal commit. False when it cannot be done
 * here (no koffi, not Linux) or failed (syncfs gives no errno through the worker thread):
 * the caller then syncs file by file, which reports the error.
 */
export async function syncFilesystem(path: string): Promise<boolean> {
  const c = libc();
  if (!c) return false;
  const fh = await open(path, 'r');
  try {
    return (await c.syncfs(fh.fd)) === 0;
  } finally {
    await fh.close();
  }
}
