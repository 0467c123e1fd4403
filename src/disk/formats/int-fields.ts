import { DiskFormatError } from '../disk-reader.ts';

/**
 * 64-bit header fields as JS numbers. Anything above 2^53 cannot be a real offset or size
 * in a file we can read, so it is refused here rather than silently rounded.
 */
export function u64le(buf: Buffer, at: number, what: string): number {
  return toSafe(buf.readBigUInt64LE(at), what);
}

export function u64be(buf: Buffer, at: number, what: string): number {
  return toSafe(buf.readBigUInt64BE(at), what);
}

function toSafe(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DiskFormatError(`${what} (${v}) is out of range`);
  return Number(v);
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** A byte range of the image file that holds metadata and must not be claimed as data. */
export interface FileRange {
  name: string;
  start: number;
  end: number;
}

/** Throws when `[start, start + length)` overlaps any metadata range. */
export function refuseOverlap(format: string, what: string, start: number, length: number, ranges: readonly FileRange[]): void {
  const end = start + length;
  for (const r of ranges) {
    if (start < r.end && r.start < end) {
      throw new DiskFormatError(`${format} ${what} at byte offset ${start} overlaps the ${r.name}; the image is corrupt or crafted`);
    }
  }
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]} (${n} bytes)`;
}

/** The standard refusal for a virtual size over the configured cap. */
export function refuseOverCap(format: string, virtualSize: number, maxVirtualSize: number): void {
  if (virtualSize > maxVirtualSize) {
    throw new DiskFormatError(`${format} virtual size ${formatBytes(virtualSize)} exceeds the limit of ${formatBytes(maxVirtualSize)}`);
  }
}
