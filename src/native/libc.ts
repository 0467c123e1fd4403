import { createRequire } from 'node:module';
import { promisify } from 'node:util';

/**
 * The few C library calls Node has no binding for, through koffi (a prebuilt FFI addon)
 * rather than a helper process per call: lseek(SEEK_DATA/SEEK_HOLE) to map a sparse file,
 * and syncfs. Linux only; elsewhere, or when the addon cannot load, `libc()` is undefined
 * and callers do without (read the whole file, sync file by file).
 */
export interface Libc {
  /** lseek(2): the new offset, or -1 with `errno()` set. */
  lseek(fd: number, offset: number, whence: number): number;
  /** syncfs(2) on a koffi worker thread, so the event loop keeps running; rejects with the errno. */
  syncfs(fd: number): Promise<void>;
  errno(): number;
  readonly ENXIO: number;
}

export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;

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

interface KoffiCall {
  (...args: number[]): number;
  async(...args: [...number[], (err: unknown, result: number) => void]): void;
}

function load(): Libc | null {
  if (process.platform !== 'linux') return null;
  try {
    // Loaded lazily and by require: a build of koffi for another platform, or none, must
    // not keep the rest of Kiln from starting.
    const koffi = createRequire(import.meta.url)('koffi') as KoffiModule;
    const lib = koffi.load('libc.so.6');
    const lseek = lib.func('int64_t lseek(int fd, int64_t offset, int whence)');
    const syncfsCall = lib.func('int syncfs(int fd)');
    const syncfsAsync = promisify((fd: number, cb: (err: unknown, result: number) => void) => syncfsCall.async(fd, cb));
    return {
      lseek: (fd, offset, whence) => Number(lseek(fd, offset, whence)),
      // errno of an async call is lost with its thread: -1 reports as EIO, which is what a
      // writeback failure (the one way syncfs fails on a valid fd) is.
      syncfs: async (fd) => {
        if ((await syncfsAsync(fd)) !== 0) throw Object.assign(new Error('syncfs failed'), { code: 'EIO' });
      },
      errno: () => koffi.errno(),
      ENXIO: koffi.os.errno.ENXIO ?? 6,
    };
  } catch {
    return null;
  }
}
