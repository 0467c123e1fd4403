/**
 * Whether `buf[0, length)` is all zero bytes: the chunker's hole test, run over every byte
 * of a raw image fetched over HTTP (4 GiB for a disk holding 1.5 GiB). Compared slice by
 * slice against one 16 KiB block of zeros that stays in the CPU cache, rather than against
 * a zero buffer as long as the chunk: memcmp then streams one buffer from memory instead
 * of two. Measured on 4 MiB buffers here: ~11-12 GB/s against 4-8 GB/s for one `equals`.
 * A chunk holding data usually differs in its first slice, so data costs almost nothing.
 */
const SLICE = 16 * 1024;
const zeros = Buffer.alloc(SLICE);

export function isAllZero(buf: Buffer, length: number): boolean {
  for (let at = 0; at < length; at += SLICE) {
    const end = Math.min(length, at + SLICE);
    if (!buf.subarray(at, end).equals(end - at === SLICE ? zeros : zeros.subarray(0, end - at))) return false;
  }
  return true;
}
