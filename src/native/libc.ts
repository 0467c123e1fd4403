import { createRequire } from 'node:module';

/**
 * The few C library calls Node has no binding for, through koffi (a prebuilt FFI addon)
 * rather than a helper process per call: lseek(SEEK_DATA/SEEK_HOLE) to map a sparse file,
 * sync_file_range(2) and syncfs(2) for the blob store's durability, posix_fadvise(2) to read a
 * chunk ahead of its copy, linkat(2) to give an O_TMPFILE chunk its name. Linux only;
 * elsewhere, or when the addon cannot load, `libc()` is undefined and callers do without
 * (read the whole file, fdatasync each file).
 */
export interface Libc {
  /** lseek(2): the new offset, or -1 with `errno()` set. */
  lseek(fd: number, offset: number, whence: number): number;
  /**
   * sync_file_range(2) and syncfs(2) run on koffi's worker threads, never this one: both
   * may block behind the device's queue or a journal commit (81 ms seen under load), which
   * would stall every request on the event loop. They resolve 0, or -1; errno is the
   * worker thread's, so it is not reported.
   */
  syncFileRange(fd: number, offset: number, length: number, flags: number): Promise<number>;
  syncfs(fd: number): Promise<number>;
  /**
   * linkat(2) on a worker thread (a link waits for the journal like any metadata write):
   * 0, or -1 with the errno lost; `linkatNow` is the same call on this thread, errno kept.
   */
  linkat(oldDirFd: number, oldPath: string, newDirFd: number, newPath: string, flags: number): Promise<number>;
  linkatNow(oldDirFd: number, oldPath: string, newDirFd: number, newPath: string, flags: number): number;
  /**
   * copy_file_range(2) from `inFd` at `inOffset` to `outFd` at `outOffset`, on a worker
   * thread: the bytes moved (0 at the end of the input), or -1 with the errno lost. The
   * kernel copies page to page, with no pass through this process's memory.
   */
  copyFileRange(inFd: number, inOffset: number, outFd: number, outOffset: number, length: number): Promise<number>;
  /** posix_fadvise(2) on a worker thread: 0 or an error number (it does not set errno). */
  fadvise(fd: number, offset: number, length: number, advice: number): Promise<number>;
  errno(): number;
  /** Where the bytes of `value` sit in this process's memory (O_DIRECT needs them aligned). */
  address(value: ArrayBuffer | Uint8Array): bigint;
  readonly ENXIO: number;
}

export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;
/** Starts writeback of the dirty pages in the range and returns without waiting for it. */
export const SYNC_FILE_RANGE_WRITE = 2;
/** posix_fadvise(2): read the range into the page cache now, without waiting for it. */
export const POSIX_FADV_WILLNEED = 3;
/** linkat(2): a relative path is taken from the working directory. */
export const AT_FDCWD = -100;
/** linkat(2): follow a symbolic link in the old path (/proc/self/fd/N names the open file). */
export const AT_SYMLINK_FOLLOW = 0x400;

let loaded: Libc | null | undefined;

export function libc(): Libc | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

interface KoffiModule {
  load(path: string): { func(definition: string): KoffiCall };
  errno(): number;
  address(value: unknown): bigint;
  os: { errno: Record<string, number> };
}

type Arg = number | string | BigInt64Array;
type KoffiCall = ((...args: Arg[]) => number) & { async(...args: [...Arg[], (err: unknown, result: number) => void]): void };

function load(): Libc | null {
  if (process.platform !== 'linux') return null;
  try {
    // Loaded lazily and by require: a build of koffi for another platform, or none, must
    // not keep the rest of Kiln from starting.
    const koffi = createRequire(import.meta.url)('koffi') as KoffiModule;
    const lib = koffi.load('libc.so.6');
    const lseek = lib.func('int64_t lseek(int fd, int64_t offset, int whence)');
    const syncFileRange = lib.func('int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags)');
    const syncfs = lib.func('int syncfs(int fd)');
    const copyFileRange = lib.func('intptr_t copy_file_range(int fd_in, void *off_in, int fd_out, void *off_out, size_t len, unsigned int flags)');
    const fadvise = lib.func('int posix_fadvise(int fd, int64_t offset, int64_t len, int advice)');
    const linkat = lib.func('int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)');
    return {
      lseek: (fd, offset, whence) => Number(lseek(fd, offset, whence)),
      syncFileRange: (fd, offset, length, flags) => onWorker(syncFileRange, fd, offset, length, flags),
      syncfs: (fd) => onWorker(syncfs, fd),
      linkat: (...args) => onWorker(linkat, ...args),
      linkatNow: (...args) => linkat(...args),
      copyFileRange: async (inFd, inOffset, outFd, outOffset, length) => {
        // The offsets go by pointer (loff_t *) so the files' own positions are left alone.
        const offsets = new BigInt64Array([BigInt(inOffset), BigInt(outOffset)]);
        const moved = await onWorker(copyFileRange, inFd, offsets.subarray(0, 1), outFd, offsets.subarray(1, 2), length, 0);
        return Number(moved);
      },
      fadvise: (fd, offset, length, advice) => onWorker(fadvise, fd, offset, length, advice),
      errno: () => koffi.errno(),
      address: (value) => koffi.address(value),
      ENXIO: koffi.os.errno.ENXIO ?? 6,
    };
  } catch {
    return null;
  }
}

function onWorker(call: KoffiCall, ...args: Arg[]): Promise<number> {
  return new Promise((resolve, reject) => {
    call.async(...args, (err: unknown, result: number) => (err ? reject(err) : resolve(result)));
  });
}
