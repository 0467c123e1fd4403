import { createRequire } from 'node:module';

/**
 * The few C library calls Node has no binding for, through koffi (a prebuilt FFI addon)
 * rather than a helper process per call: lseek(SEEK_DATA/SEEK_HOLE) to map a sparse file,
 * sync_file_range(2) and syncfs(2) for the blob store's durability. Linux only;
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
  errno(): number;
  readonly ENXIO: number;
}

export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;
/** Starts writeback of the dirty pages in the range and returns without waiting for it. */
export const SYNC_FILE_RANGE_WRITE = 2;

let loaded: Libc | null | undefined;

export function libc(): Libc | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

interface KoffiModule {
  load(path: string): { func(definition: string): KoffiCall };
  errno(): number;
  os: { errno: Record<string, number> };
}

type KoffiCall = ((...args: number[]) => number) & { async(...args: [...number[], (err: unknown, result: number) => void]): void };

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
    return {
      lseek: (fd, offset, whence) => Number(lseek(fd, offset, whence)),
      syncFileRange: (fd, offset, length, flags) => onWorker(syncFileRange, fd, offset, length, flags),
      syncfs: (fd) => onWorker(syncfs, fd),
      errno: () => koffi.errno(),
      ENXIO: koffi.os.errno.ENXIO ?? 6,
    };
  } catch {
    return null;
  }
}

function onWorker(call: KoffiCall, ...args: number[]): Promise<number> {
  return new Promise((resolve, reject) => {
    call.async(...args, (err: unknown, result: number) => (err ? reject(err) : resolve(result)));
  });
}
