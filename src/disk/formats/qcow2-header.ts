import { DiskFormatError } from '../disk-reader.ts';
import { formatBytes, refuseOverCap, type FileRange, u64be } from './int-fields.ts';

export const QCOW2_MAGIC = 0x514649fb;

/** Incompatible feature bits (qcow2 spec). */
const INCOMPAT_DIRTY = 1n << 0n;
const INCOMPAT_CORRUPT = 1n << 1n;
const INCOMPAT_DATA_FILE = 1n << 2n;
const INCOMPAT_COMPRESSION = 1n << 3n;
const INCOMPAT_EXTL2 = 1n << 4n;

const EXT_END = 0x00000000;
const EXT_FDE = 0x0537be77;
const EXT_DATA_FILE = 0x44415441;

/** qemu refuses L1 tables over 32 MiB (QCOW_MAX_L1_SIZE); so do we, it bounds our memory. */
const MAX_L1_BYTES = 32 * 1024 * 1024;
/** qemu's QCOW_MAX_REFTABLE_SIZE. */
const MAX_REFTABLE_BYTES = 8 * 1024 * 1024;

export interface Qcow2Header {
  version: 2 | 3;
  clusterBits: number;
  clusterSize: number;
  virtualSize: number;
  /** Entries actually needed to map the virtual size (the rest of the table is ignored). */
  l1Entries: number;
  l1Offset: number;
  /** Header cluster, L1 table and refcount table: data and L2 tables must not overlap them. */
  metadata: FileRange[];
}

/**
 * Parses and validates a qcow2 header. Everything that would make a reader look outside
 * this file (backing file, external data file) or that we cannot decode faithfully
 * (encryption, zstd, extended L2, unknown incompatible features) is refused by name.
 * `head` holds the first bytes of the file (at least 512, up to one cluster).
 */
export function parseQcow2Header(head: Buffer, fileSize: number, maxVirtualSize: number): Qcow2Header {
  if (head.length < 72 || head.readUInt32BE(0) !== QCOW2_MAGIC) throw new DiskFormatError('not a qcow2 image (bad magic)');
  const version = head.readUInt32BE(4);
  if (version === 1) throw new DiskFormatError('qcow version 1 images are not supported');
  if (version !== 2 && version !== 3) throw new DiskFormatError(`qcow2 version ${version} is not supported`);

  const backingOffset = u64be(head, 8, 'qcow2 backing file offset');
  if (backingOffset !== 0) throw new DiskFormatError('qcow2 images with a backing file are not supported (the backing file is never opened)');

  const clusterBits = head.readUInt32BE(20);
  if (clusterBits < 9 || clusterBits > 21) throw new DiskFormatError(`qcow2 cluster_bits ${clusterBits} is outside the valid range 9..21`);
  const clusterSize = 2 ** clusterBits;

  const sizeBig = head.readBigUInt64BE(24);
  if (sizeBig > BigInt(maxVirtualSize)) refuseOverCap('qcow2', Number(sizeBig), maxVirtualSize);
  const virtualSize = Number(sizeBig);

  const cryptMethod = head.readUInt32BE(32);
  if (cryptMethod !== 0) throw new DiskFormatError(`encrypted qcow2 images are not supported (crypt_method ${cryptMethod})`);

  let headerLength = 72;
  if (version === 3) {
    if (head.length < 104) throw new DiskFormatError('qcow2 v3 header is truncated');
    const incompat = head.readBigUInt64BE(72);
    if (incompat & INCOMPAT_DATA_FILE) throw new DiskFormatError('qcow2 images with an external data file are not supported');
    if (incompat & INCOMPAT_CORRUPT) throw new DiskFormatError('qcow2 image is marked corrupt');
    if (incompat & INCOMPAT_EXTL2) throw new DiskFormatError('qcow2 images with extended L2 entries (subclusters) are not supported');
    const unknown = incompat & ~(INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_DATA_FILE | INCOMPAT_COMPRESSION | INCOMPAT_EXTL2);
    if (unknown !== 0n) throw new DiskFormatError(`qcow2 image uses unknown incompatible features (0x${unknown.toString(16)})`);
    const refcountOrder = head.readUInt32BE(96);
    if (refcountOrder > 6) throw new DiskFormatError(`qcow2 refcount_order ${refcountOrder} is invalid`);
    headerLength = head.readUInt32BE(100);
    if (headerLength < 104 || headerLength > clusterSize || headerLength > head.length) {
      throw new DiskFormatError(`qcow2 header length ${headerLength} is invalid`);
    }
    const compressionType = headerLength > 104 ? head.readUInt8(104) : 0;
    if (incompat & INCOMPAT_COMPRESSION) {
      if (compressionType === 1) throw new DiskFormatError('qcow2 zstd-compressed clusters are not supported');
      if (compressionType !== 0) throw new DiskFormatError(`qcow2 compression type ${compressionType} is not supported`);
    } else if (compressionType !== 0) {
      throw new DiskFormatError('qcow2 header names a compression type without the compression-type feature bit');
    }
  }
  checkExtensions(head, headerLength, Math.min(head.length, clusterSize));

  // Each L1 entry maps one L2 table: clusterSize / 8 clusters.
  const bytesPerL1Entry = clusterSize * (clusterSize / 8);
  const l1Needed = Math.ceil(virtualSize / bytesPerL1Entry);
  const l1Size = head.readUInt32BE(36);
  if (l1Size < l1Needed) throw new DiskFormatError(`qcow2 L1 table has ${l1Size} entries but the virtual size needs ${l1Needed}`);
  if (l1Size * 8 > MAX_L1_BYTES) throw new DiskFormatError(`qcow2 L1 table of ${formatBytes(l1Size * 8)} is too large`);
  const l1Offset = u64be(head, 40, 'qcow2 L1 table offset');
  checkTable('L1 table', l1Offset, l1Size * 8, clusterSize, fileSize, l1Needed > 0);

  const refOffset = u64be(head, 48, 'qcow2 refcount table offset');
  const refClusters = head.readUInt32BE(56);
  if (refClusters * clusterSize > MAX_REFTABLE_BYTES) throw new DiskFormatError(`qcow2 refcount table of ${refClusters} clusters is too large`);
  checkTable('refcount table', refOffset, refClusters * clusterSize, clusterSize, fileSize, refClusters > 0);

  const metadata: FileRange[] = [{ name: 'qcow2 header', start: 0, end: clusterSize }];
  if (l1Needed > 0) metadata.push({ name: 'qcow2 L1 table', start: l1Offset, end: l1Offset + l1Size * 8 });
  if (refClusters > 0) metadata.push({ name: 'qcow2 refcount table', start: refOffset, end: refOffset + refClusters * clusterSize });
  for (const [i, a] of metadata.entries()) {
    for (const b of metadata.slice(i + 1)) {
      if (a.start < b.end && b.start < a.end) throw new DiskFormatError(`qcow2 ${a.name.slice(6)} overlaps the ${b.name}`);
    }
  }
  return { version, clusterBits, clusterSize, virtualSize, l1Entries: l1Needed, l1Offset, metadata };
}

function checkTable(name: string, offset: number, length: number, clusterSize: number, fileSize: number, required: boolean): void {
  if (!required) return;
  if (offset === 0) throw new DiskFormatError(`qcow2 ${name} offset is 0 (it would overlap the header)`);
  if (offset % clusterSize !== 0) throw new DiskFormatError(`qcow2 ${name} offset ${offset} is not cluster-aligned`);
  if (offset + length > fileSize)
    throw new DiskFormatError(`qcow2 ${name} at byte offset ${offset} lies past the end of the file; the image is truncated or corrupt`);
}

/** Walks the header extensions, bounded by the first cluster, refusing the dangerous ones. */
function checkExtensions(head: Buffer, start: number, limit: number): void {
  let at = start;
  // Each extension is at least 8 bytes and the walk stays inside `limit`, so it terminates.
  while (at + 8 <= limit) {
    const type = head.readUInt32BE(at);
    const length = head.readUInt32BE(at + 4);
    if (type === EXT_END) return;
    if (type === EXT_DATA_FILE) throw new DiskFormatError('qcow2 images with an external data file are not supported');
    if (type === EXT_FDE) throw new DiskFormatError('encrypted qcow2 images are not supported');
    const next = at + 8 + Math.ceil(length / 8) * 8;
    if (next > limit) throw new DiskFormatError('qcow2 header extension runs past the header cluster');
    at = next;
  }
}
