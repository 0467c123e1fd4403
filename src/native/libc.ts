import { createRequire } from 'node:module';

/**
 * The few C library calls Node has no binding for, through koffi (a prebuilt FFI addon)
 * rather than a helper process per call: lseek(SEEK_DATA/SEEK_HOLE) to map a sparse file.
 * Linux only; elsewhere, or when the addon cannot load, `libc()` is undefined and callers
 * do without (read the whole file).
 */
export interface Libc {
  /** lseek(2): the new offset, or -1 with `errno()` set. */
  lseek(fd: number, offset: number, whence: number): number;
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

type KoffiCall = (...args: number[]) => number;

function load(): Libc | null {
  if (process.platform !== 'linux') return null;
  try {
    // Loaded lazily and by require: a build of koffi for another platform, or none, must
    // not keep the rest of Kiln from starting.
    const koffi = createRequire(import.meta.url)('koffi') as KoffiModule;
    const lib = koffi.load('libc.so.6');
    const lseek = lib.func('int64_t lseek(int fd, int64_t offset, int whence)');
    return {
      lseek: (fd, offset, whence) => Number(lseek(fd, offset, whence)),
      errno: () => koffi.errno(),
      ENXIO: koffi.os.errno.ENXIO ?? 6,
    };
  } catch {
    return null;
  }
}
