/**
 * A qcow2 (version 3) image written front to back from a list of allocated guest
 * clusters, so it can be streamed with a known length: header, refcount table, refcount
 * blocks, L1 table, L2 tables, then the data clusters in guest order. No compression,
 * no snapshots; 64 KiB clusters and 16-bit refcounts (qemu's defaults). A layout may name
 * a raw backing file (an instance disk's overlay on the node's image cache): its name
 * goes in the header cluster after a backing-format extension, so qemu never probes it.
 */

export const QCOW2_CLUSTER = 64 * 1024;
const CLUSTER_BITS = 16;
const L2_ENTRIES = QCOW2_CLUSTER / 8;
const REFCOUNTS_PER_BLOCK = QCOW2_CLUSTER / 2;
/** Every cluster here has refcount 1, so its table entries carry QCOW_OFLAG_COPIED. */
const COPIED = 1n << 63n;
/** qemu reads the backing file name from the header cluster and caps it at 1023 bytes. */
const MAX_BACKING_NAME = 1023;
const HEADER_LENGTH = 104;
const EXT_BACKING_FORMAT = 0xe2792aca;

export interface Qcow2Layout {
  virtualSize: number;
  /** Guest cluster indexes that hold data, ascending. */
  dataClusters: readonly number[];
  l1Entries: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  refcountBlocks: number;
  l1Offset: number;
  l1Clusters: number;
  /** L1 indexes that have an L2 table, ascending, with each table's file offset. */
  l2Tables: ReadonlyArray<{ l1Index: number; offset: number }>;
  dataOffset: number;
  fileSize: number;
  /** A raw backing file whose bytes show wherever no cluster is allocated. */
  backingFile?: string;
}

const ceil = (a: number, b: number) => Math.ceil(a / b);

export function qcow2Layout(virtualSize: number, dataClusters: readonly number[], backingFile?: string): Qcow2Layout {
  if (backingFile !== undefined && (backingFile === '' || Buffer.byteLength(backingFile) > MAX_BACKING_NAME)) {
    throw new Error(`a qcow2 backing file name must hold 1 to ${MAX_BACKING_NAME} bytes`);
  }
  const guestClusters = ceil(virtualSize, QCOW2_CLUSTER);
  const l1Entries = Math.max(1, ceil(guestClusters, L2_ENTRIES));
  const l1Clusters = ceil(l1Entries * 8, QCOW2_CLUSTER);
  const l1Indexes = [...new Set(dataClusters.map((c) => Math.floor(c / L2_ENTRIES)))];
  const fixed = 1 + l1Clusters + l1Indexes.length + dataClusters.length;
  // The refcount structures count themselves: grow them until they cover everything.
  let blocks = 1;
  let tableClusters = 1;
  for (;;) {
    const total = fixed + blocks + tableClusters;
    const needBlocks = ceil(total, REFCOUNTS_PER_BLOCK);
    const needTable = ceil(needBlocks * 8, QCOW2_CLUSTER);
    if (needBlocks <= blocks && needTable <= tableClusters) break;
    blocks = Math.max(blocks, needBlocks);
    tableClusters = Math.max(tableClusters, needTable);
  }
  const refcountTableOffset = QCOW2_CLUSTER;
  const l1Offset = refcountTableOffset + (tableClusters + blocks) * QCOW2_CLUSTER;
  const l2Start = l1Offset + l1Clusters * QCOW2_CLUSTER;
  const l2Tables = l1Indexes.map((l1Index, i) => ({ l1Index, offset: l2Start + i * QCOW2_CLUSTER }));
  const dataOffset = l2Start + l1Indexes.length * QCOW2_CLUSTER;
  return {
    virtualSize,
    dataClusters,
    l1Entries,
    refcountTableOffset,
    refcountTableClusters: tableClusters,
    refcountBlocks: blocks,
    l1Offset,
    l1Clusters,
    l2Tables,
    dataOffset,
    fileSize: dataOffset + dataClusters.length * QCOW2_CLUSTER,
    ...(backingFile === undefined ? {} : { backingFile }),
  };
}

function header(l: Qcow2Layout): Buffer {
  const b = Buffer.alloc(QCOW2_CLUSTER);
  b.write('QFI\xfb', 0, 'latin1');
  b.writeUInt32BE(3, 4); // version
  // 8: backing file offset, 16: its size: none
  b.writeUInt32BE(CLUSTER_BITS, 20);
  b.writeBigUInt64BE(BigInt(l.virtualSize), 24);
  // 32: crypt method none
  b.writeUInt32BE(l.l1Entries, 36);
  b.writeBigUInt64BE(BigInt(l.l1Offset), 40);
  b.writeBigUInt64BE(BigInt(l.refcountTableOffset), 48);
  b.writeUInt32BE(l.refcountTableClusters, 56);
  // 60: no snapshots; 64: snapshots offset; 72/80/88: incompatible, compatible, autoclear features: none
  b.writeUInt32BE(4, 96); // refcount_order: 16-bit refcounts
  b.writeUInt32BE(HEADER_LENGTH, 100);
  // The header extension area ends with the end marker (type 0, length 0): zeros.
  if (l.backingFile !== undefined) {
    b.writeUInt32BE(EXT_BACKING_FORMAT, HEADER_LENGTH);
    b.writeUInt32BE(3, HEADER_LENGTH + 4);
    b.write('raw', HEADER_LENGTH + 8, 'latin1');
    // extension data padded to 8 bytes, then the end marker's 8 bytes, then the name
    const nameOffset = HEADER_LENGTH + 16 + 8;
    const length = b.write(l.backingFile, nameOffset, 'utf8');
    b.writeBigUInt64BE(BigInt(nameOffset), 8);
    b.writeUInt32BE(length, 16);
  }
  return b;
}

/** The metadata clusters (everything before the data), one cluster-sized buffer at a time. */
export function* qcow2Metadata(l: Qcow2Layout): Generator<Buffer> {
  yield header(l);
  const usedClusters = l.fileSize / QCOW2_CLUSTER;
  const table = Buffer.alloc(l.refcountTableClusters * QCOW2_CLUSTER);
  const blocksOffset = l.refcountTableOffset + l.refcountTableClusters * QCOW2_CLUSTER;
  for (let i = 0; i < l.refcountBlocks; i++) table.writeBigUInt64BE(BigInt(blocksOffset + i * QCOW2_CLUSTER), i * 8);
  yield* clusters(table);
  for (let i = 0; i < l.refcountBlocks; i++) {
    const block = Buffer.alloc(QCOW2_CLUSTER);
    const first = i * REFCOUNTS_PER_BLOCK;
    for (let c = first; c < Math.min(usedClusters, first + REFCOUNTS_PER_BLOCK); c++) block.writeUInt16BE(1, (c - first) * 2);
    yield block;
  }
  const l1 = Buffer.alloc(l.l1Clusters * QCOW2_CLUSTER);
  for (const t of l.l2Tables) l1.writeBigUInt64BE(BigInt(t.offset) | COPIED, t.l1Index * 8);
  yield* clusters(l1);
  let d = 0;
  for (const t of l.l2Tables) {
    const l2 = Buffer.alloc(QCOW2_CLUSTER);
    const end = (t.l1Index + 1) * L2_ENTRIES;
    for (; d < l.dataClusters.length && l.dataClusters[d]! < end; d++) {
      const dataOffset = l.dataOffset + d * QCOW2_CLUSTER;
      l2.writeBigUInt64BE(BigInt(dataOffset) | COPIED, (l.dataClusters[d]! - t.l1Index * L2_ENTRIES) * 8);
    }
    yield l2;
  }
}

function* clusters(buf: Buffer): Generator<Buffer> {
  for (let o = 0; o < buf.length; o += QCOW2_CLUSTER) yield buf.subarray(o, o + QCOW2_CLUSTER);
}
