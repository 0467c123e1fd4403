import { libc, SEEK_DATA, SEEK_HOLE } from '../native/libc.ts';
import type { Extent } from './disk-reader.ts';

/**
 * Where a local sparse file holds data, so a capture reads only that (an instance disk of
 * 100 GiB with 2 GiB written used to be read whole, holes included).
 *
 * The map comes from lseek(SEEK_DATA/SEEK_HOLE), which the filesystem answers from its
 * own extent records, dirty pages not yet allocated included (ext4, xfs, btrfs, tmpfs). A
 * filesystem that cannot tell reports the whole file as data, which is slow but never
 * wrong. It used to come from a `filefrag -e` process per file, whose FIEMAP output had to
 * be parsed and checked against st_blocks before it could be believed.
 *
 * Undefined when the calls are not available (not Linux, the FFI addon missing) or fail
 * unexpectedly: the caller then reads the whole file. With `from`, only [from, size) is
 * mapped (one chunk's range of a disk, without walking the extents before it).
 */
export function dataExtentsOf(fd: number, size: number, from = 0): Extent[] | undefined {
  const c = libc();
  if (!c) return undefined;
  const out: Extent[] = [];
  let at = from;
  while (at < size) {
    const data = c.lseek(fd, at, SEEK_DATA);
    if (data < 0) {
      // ENXIO: no data at or after `at`, the rest of the file is a hole.
      if (c.errno() === c.ENXIO) break;
      return undefined;
    }
    if (data >= size) break;
    const hole = c.lseek(fd, data, SEEK_HOLE);
    if (hole < 0 || hole <= data) return undefined;
    const end = Math.min(hole, size);
    out.push({ offset: data, length: end - data });
    at = end;
  }
  return out;
}
