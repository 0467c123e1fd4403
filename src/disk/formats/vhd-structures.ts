import { DiskFormatError } from '../disk-reader.ts';
import { isPowerOfTwo, refuseOverCap, u64be } from './int-fields.ts';

export const VHD_FOOTER_SIZE = 512;
export const VHD_DYNAMIC_HEADER_SIZE = 1024;
export const VHD_NO_OFFSET = Number.MAX_SAFE_INTEGER; // stands in for 0xffffffffffffffff

const DISK_FIXED = 2;
const DISK_DYNAMIC = 3;
const DISK_DIFFERENCING = 4;

/** One's complement of the byte sum with the 4-byte checksum field counted as zero. */
export function vhdChecksum(buf: Buffer, checksumAt: number): number {
  let sum = 0;
  for (let i = 0; i < buf.length; i++) {
    if (i < checksumAt || i >= checksumAt + 4) sum += buf[i] ?? 0;
  }
  return ~sum >>> 0;
}

export interface VhdFooter {
  kind: 'fixed' | 'dynamic';
  virtualSize: number;
  /** Offset of the dynamic header (dynamic disks only). */
  dataOffset: number;
}

export function parseVhdFooter(f: Buffer, maxVirtualSize: number): VhdFooter {
  if (f.toString('latin1', 0, 8) !== 'conectix') throw new DiskFormatError('VHD footer is missing at the end of the file; the image is truncated or not a VHD');
  const stored = f.readUInt32BE(64);
  if (vhdChecksum(f, 64) !== stored) throw new DiskFormatError('VHD footer checksum mismatch; the image is corrupt');
  const diskType = f.readUInt32BE(60);
  if (diskType === DISK_DIFFERENCING) throw new DiskFormatError('VHD differencing disks are not supported');
  if (diskType !== DISK_FIXED && diskType !== DISK_DYNAMIC) throw new DiskFormatError(`VHD disk type ${diskType} is not supported`);
  const sizeBig = f.readBigUInt64BE(48);
  if (sizeBig > BigInt(maxVirtualSize)) refuseOverCap('VHD', Number(sizeBig), maxVirtualSize);
  const virtualSize = Number(sizeBig);
  if (virtualSize % 512 !== 0) throw new DiskFormatError(`VHD current size ${virtualSize} is not a multiple of 512`);
  const rawOffset = f.readBigUInt64BE(16);
  const dataOffset = rawOffset === 0xffffffffffffffffn ? VHD_NO_OFFSET : u64be(f, 16, 'VHD dynamic header offset');
  if (diskType === DISK_DYNAMIC && dataOffset === VHD_NO_OFFSET) throw new DiskFormatError('VHD dynamic disk has no dynamic header offset');
  return { kind: diskType === DISK_FIXED ? 'fixed' : 'dynamic', virtualSize, dataOffset };
}

export interface VhdDynamicHeader {
  batOffset: number;
  maxTableEntries: number;
  blockSize: number;
}

/** Largest block size we accept; the spec default is 2 MiB and bitmaps are cached per block. */
const MAX_BLOCK_SIZE = 256 * 1024 * 1024;

export function parseVhdDynamicHeader(h: Buffer): VhdDynamicHeader {
  if (h.toString('latin1', 0, 8) !== 'cxsparse') throw new DiskFormatError('VHD dynamic header is missing (bad cookie)');
  if (vhdChecksum(h, 36) !== h.readUInt32BE(36)) throw new DiskFormatError('VHD dynamic header checksum mismatch; the image is corrupt');
  const batOffset = u64be(h, 16, 'VHD BAT offset');
  const maxTableEntries = h.readUInt32BE(28);
  const blockSize = h.readUInt32BE(32);
  if (!isPowerOfTwo(blockSize) || blockSize < 512 || blockSize > MAX_BLOCK_SIZE) {
    throw new DiskFormatError(`VHD block size ${blockSize} is not supported`);
  }
  return { batOffset, maxTableEntries, blockSize };
}
