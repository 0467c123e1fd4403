import { libc } from './libc.ts';

/**
 * Writes with O_DIRECT go from the caller's buffer to the device by DMA, with no copy into
 * the page cache and nothing left dirty for a later flush to write. Linux asks the
 * buffer's address, the file offset and the length to be multiples of the device's
 * logical block size; 4 KiB covers every block device Kiln runs on (512 or 4096 bytes).
 */
export const DIRECT_ALIGN = 4096;

/** A chunk buffer: `size` bytes of `ab` from `offset`, which is DIRECT_ALIGN-aligned in memory where that can be known. */
export interface ChunkBuffer {
  ab: ArrayBuffer;
  offset: number;
}

/**
 * A buffer whose bytes start on a DIRECT_ALIGN boundary, so the blob store can write it
 * with O_DIRECT: large ArrayBuffers come from malloc, 16 bytes past a page boundary, so
 * one is allocated DIRECT_ALIGN larger and used from the first aligned byte. Without the
 * FFI addon the address is unknown: offset 0, and the store writes through the page cache.
 */
export function alignedChunkBuffer(size: number): ChunkBuffer {
  const c = libc();
  if (!c) return { ab: new ArrayBuffer(size), offset: 0 };
  const ab = new ArrayBuffer(size + DIRECT_ALIGN);
  const past = Number(c.address(ab) % BigInt(DIRECT_ALIGN));
  return { ab, offset: past === 0 ? 0 : DIRECT_ALIGN - past };
}

/** Whether `runs` of `buf` can be written with O_DIRECT: the buffer and every run's start and length aligned. */
export function directWritable(buf: Buffer, runs: [number, number][]): boolean {
  const c = libc();
  if (!c || runs.length === 0) return false;
  if (c.address(buf) % BigInt(DIRECT_ALIGN) !== 0n) return false;
  return runs.every(([start, end]) => start % DIRECT_ALIGN === 0 && end % DIRECT_ALIGN === 0);
}
