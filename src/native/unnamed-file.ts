import { constants, existsSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { getSystemErrorName } from 'node:util';
import { AT_FDCWD, AT_SYMLINK_FOLLOW, libc } from './libc.ts';

/**
 * Files written without a name (open(2) with O_TMPFILE) and named once whole
 * (linkat(2) of /proc/self/fd/N with AT_SYMLINK_FOLLOW, which fails if the name exists).
 * Against a temporary name, linked and unlinked: one metadata operation a file instead of
 * three (create, link, unlink), no directory entry to add and remove, and nothing left
 * behind by a crash (the kernel frees an unnamed file when its last handle closes), so
 * there is no temporary file to tell apart from a live writer's. The link also sets the
 * file's change time, and nothing after it does: an fstat of the handle after linking
 * gives the identity a stat of the name gives later.
 */

/** __O_TMPFILE (the same bit on x86-64 and arm64) with O_DIRECTORY, as <fcntl.h> defines O_TMPFILE. */
const O_TMPFILE = 0o20000000 | constants.O_DIRECTORY;

/** What a kernel or filesystem without O_TMPFILE answers (open(2), "ERRORS"). */
const UNSUPPORTED = new Set(['EOPNOTSUPP', 'EISDIR', 'EINVAL', 'ENOTSUP']);

/**
 * A file open for writing (and reading, with `readable`: a chunk copied in by the kernel
 * is read back to be hashed), with no name, on the filesystem of `dir`; undefined where
 * this cannot be done (not Linux x86-64/arm64, no FFI addon for linkat, no /proc, or the
 * filesystem refuses O_TMPFILE), and the caller writes under a temporary name instead.
 * With `direct`, writes bypass the page cache (O_DIRECT, see direct-io.ts); a filesystem
 * that refuses it (tmpfs) answers EINVAL, so undefined then may mean either refusal.
 */
export async function openUnnamed(dir: string, opts: { readable?: boolean; direct?: boolean } = {}): Promise<FileHandle | undefined> {
  if (!available()) return undefined;
  try {
    const mode = opts.readable ? constants.O_RDWR : constants.O_WRONLY;
    return await open(dir, O_TMPFILE | mode | (opts.direct ? constants.O_DIRECT : 0), 0o644);
  } catch (e) {
    if (UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
}

/**
 * Gives the unnamed file open on `fh` the name `path` (same filesystem). Fails with the
 * errno's code, as node:fs does: EEXIST when the name is taken, ENOENT when its directory
 * is missing.
 */
export async function linkUnnamed(fh: FileHandle, path: string): Promise<void> {
  const c = libc();
  if (!c) throw new Error('linkUnnamed needs the FFI addon (openUnnamed returned a handle without it)');
  const proc = `/proc/self/fd/${fh.fd}`;
  if ((await c.linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW)) === 0) return;
  // The worker thread's errno is lost: the same call on this thread says why (or links,
  // if what stood in the way has gone meanwhile). Only failures pay for it.
  if (c.linkatNow(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) === 0) return;
  const errno = c.errno();
  const code = errno > 0 ? getSystemErrorName(-errno) : 'EIO';
  throw Object.assign(new Error(`${code}: linkat of an unnamed file to '${path}' failed`), { code, errno: -errno, syscall: 'linkat', path });
}

let usable: boolean | undefined;

function available(): boolean {
  usable ??= process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64') && libc() !== undefined && existsSync('/proc/self/fd');
  return usable;
}
