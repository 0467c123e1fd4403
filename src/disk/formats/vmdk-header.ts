import { DiskFormatError } from '../disk-reader.ts';
import { isPowerOfTwo, refuseOverCap } from './int-fields.ts';

export const VMDK_MAGIC = 0x564d444b; // 'KDMV' read little-endian
export const VMDK_HEADER_SIZE = 512;
export const VMDK_FOOTER_BYTES = 1536; // footer marker + footer header + end-of-stream marker
const GD_AT_END = 0xffffffffffffffffn;

const FLAG_ZERO_GRAIN = 1 << 2;
const FLAG_MARKERS = 1 << 17;
const COMPRESSION_NONE = 0;
const COMPRESSION_DEFLATE = 1;
const MARKER_EOS = 0;
const MARKER_FOOTER = 3;

/** Grains up to 2 MiB: a decompressed grain is held in memory. */
const MAX_GRAIN_SECTORS = 4096;
const MAX_GTES_PER_GT = 65536;

export interface VmdkHeader {
  capacitySectors: number;
  grainSectors: number;
  gtesPerGt: number;
  descriptorOffset: number;
  descriptorSize: number;
  /** In sectors; the GD_AT_END case has already been resolved through the footer. */
  gdOffset: number;
  zeroGrain: boolean;
  compressed: boolean;
  gdAtEnd: boolean;
}

/** Parses a sparse extent header (at offset 0, or the footer copy for streamOptimized). */
export function parseVmdkHeader(h: Buffer, maxVirtualSize: number): VmdkHeader & { gdOffsetRaw: bigint } {
  if (h.readUInt32LE(0) !== VMDK_MAGIC) throw new DiskFormatError('VMDK sparse header is missing (bad magic)');
  const version = h.readUInt32LE(4);
  if (version < 1 || version > 3) throw new DiskFormatError(`VMDK sparse extent version ${version} is not supported`);
  const flags = h.readUInt32LE(8);
  const capacity = h.readBigUInt64LE(12);
  if (capacity * 512n > BigInt(maxVirtualSize)) refuseOverCap('VMDK', Number(capacity * 512n), maxVirtualSize);
  const grain = h.readBigUInt64LE(20);
  if (grain < 1n || grain > BigInt(MAX_GRAIN_SECTORS) || !isPowerOfTwo(Number(grain))) {
    throw new DiskFormatError(`VMDK grain size of ${grain} sectors is not supported`);
  }
  const descriptorOffset = h.readBigUInt64LE(28);
  const descriptorSize = h.readBigUInt64LE(36);
  const gtesPerGt = h.readUInt32LE(44);
  if (gtesPerGt < 1 || gtesPerGt > MAX_GTES_PER_GT) throw new DiskFormatError(`VMDK grain table size of ${gtesPerGt} entries is not supported`);
  const gdOffsetRaw = h.readBigUInt64LE(56);
  const compressAlgorithm = h.readUInt16LE(77);
  if (compressAlgorithm !== COMPRESSION_NONE && compressAlgorithm !== COMPRESSION_DEFLATE) {
    throw new DiskFormatError(`VMDK compression algorithm ${compressAlgorithm} is not supported`);
  }
  const compressed = compressAlgorithm === COMPRESSION_DEFLATE;
  if (compressed && !(flags & FLAG_MARKERS)) throw new DiskFormatError('VMDK compressed grains without grain markers are not supported');
  // Offsets are sector counts; anything past 2^41 sectors is past any file we could read.
  const limit = 1n << 41n;
  if (descriptorOffset > limit || descriptorSize > limit || (gdOffsetRaw > limit && gdOffsetRaw !== GD_AT_END)) {
    throw new DiskFormatError('VMDK header offsets are out of range');
  }
  return {
    capacitySectors: Number(capacity),
    grainSectors: Number(grain),
    gtesPerGt,
    descriptorOffset: Number(descriptorOffset),
    descriptorSize: Number(descriptorSize),
    gdOffset: gdOffsetRaw === GD_AT_END ? -1 : Number(gdOffsetRaw),
    gdOffsetRaw,
    zeroGrain: (flags & FLAG_ZERO_GRAIN) !== 0,
    compressed,
    gdAtEnd: gdOffsetRaw === GD_AT_END,
  };
}

/** streamOptimized footer: marker(type FOOTER), a header copy with the real GD offset, EOS marker. */
export function parseVmdkFooter(tail: Buffer, maxVirtualSize: number): VmdkHeader {
  const markerSize = tail.readUInt32LE(8);
  const markerType = tail.readUInt32LE(12);
  const eosVal = tail.readBigUInt64LE(1024);
  const eosSize = tail.readUInt32LE(1032);
  const eosType = tail.readUInt32LE(1036);
  if (markerSize !== 0 || markerType !== MARKER_FOOTER || eosVal !== 0n || eosSize !== 0 || eosType !== MARKER_EOS) {
    throw new DiskFormatError('VMDK streamOptimized footer is missing at the end of the file; the image is truncated or corrupt');
  }
  const footer = parseVmdkHeader(tail.subarray(512, 1024), maxVirtualSize);
  if (footer.gdAtEnd) throw new DiskFormatError('VMDK streamOptimized footer does not give the grain directory offset');
  return footer;
}
