// Keeps a spool from filling its disk. The scratch dir shares a filesystem with the SQLite
// file and local chunks, and several import workers may spool at once, so each spool reads
// the free space itself (statfs: what every writer has left, not what this one wrote) before
// it starts and again every CHECK_EVERY bytes, and fails while `reserve` bytes are still free.
import { statfs } from 'node:fs/promises';
import { DownloadError } from './download-error.ts';

/**
 * Bytes written between two looks at the free space. The reserve must exceed what all
 * spools together write between looks (workers x 8 MiB), which even 64 workers keep under
 * 512 MiB; statfs costs microseconds, so a look every 8 MiB is free next to the writes.
 */
export const CHECK_EVERY = 8 * 1024 * 1024;

export interface SpoolSpace {
  /** A directory on the filesystem the spool writes to. */
  dir: string;
  /** Free bytes to leave untouched (KILN_IMPORT_MIN_FREE_BYTES). */
  reserve: number;
}

/** Bytes an unprivileged writer may still put on the filesystem holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

export class SpaceGuard {
  private checkedAt = 0;

  constructor(private readonly space: SpoolSpace) {}

  /** Before the first byte: `total` (when announced) must fit above the reserve. */
  async admit(total: number | null): Promise<void> {
    const free = await freeBytes(this.space.dir);
    const room = free - this.space.reserve;
    if (total !== null && total > room) {
      throw noRoom(
        `the import file is ${total} bytes and the scratch space has ${Math.max(0, room)} bytes free above its reserve of ${this.space.reserve} bytes`,
      );
    }
    if (room <= 0) throw noRoom(`the scratch space has ${free} bytes free, not more than its reserve of ${this.space.reserve} bytes`);
  }

  /** While writing: called with the bytes written so far; fails once the reserve is reached. */
  async written(bytes: number): Promise<void> {
    if (bytes - this.checkedAt < CHECK_EVERY) return;
    this.checkedAt = bytes;
    const free = await freeBytes(this.space.dir);
    if (free <= this.space.reserve) {
      throw noRoom(`the scratch space ran low after ${bytes} bytes: ${free} bytes free, its reserve is ${this.space.reserve} bytes`);
    }
  }
}

// Permanent: retrying at once would meet the same full disk; the reason tells the operator.
function noRoom(detail: string): DownloadError {
  return new DownloadError(`not enough disk space to spool the import: ${detail} (KILN_IMPORT_MIN_FREE_BYTES)`);
}
