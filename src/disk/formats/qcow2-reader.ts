import { DiskFormatError } from '../disk-reader.ts';
import type { BoundedFile } from './bounded-file.ts';
import { inflateInto } from './inflate.ts';
import { refuseOverlap } from './int-fields.ts';
import { LruCache, entriesWithinBudget } from './lru-cache.ts';
import { MAX_INFLATES_IN_FLIGHT, MappedReader, RUN_COMPRESSED, RUN_DATA, RUN_HOLE, type Run } from './mapped-reader.ts';
import { parseQcow2Header, type Qcow2Header } from './qcow2-header.ts';
import { ScratchBuffers } from './scratch-buffers.ts';
import { hintTables } from './table-hints.ts';

/** Memory allowed for cached L2 tables; at 64 KiB clusters this maps 256 GiB. */
const L2_CACHE_BYTES = 32 * 1024 * 1024;

const TWO32 = 2 ** 32;
/** Host offset bits 9..55 of a standard L2/L1 entry, split across the two 32-bit halves. */
const HI_OFFSET_MASK = 0x00ffffff;
const LO_OFFSET_MASK = 0xfffffe00;
const HI_COMPRESSED = 0x40000000;
/** Bits 56..61 of a standard entry and 1..8 are reserved and must be zero. */
const HI_RESERVED = 0x3f000000;
const LO_RESERVED = 0x000001fe;
const LO_ZERO = 0x1;

/** qcow2 v2/v3 without backing files, external data, encryption or subclusters. */
export class Qcow2Reader extends MappedReader {
  readonly format = 'qcow2' as const;
  private readonly clusterSize: number;
  private readonly l2Entries: number;
  private readonly l2Cache: LruCache<number, Buffer>;
  protected readonly blockBytes: number;
  private readonly scratch = new ScratchBuffers(MAX_INFLATES_IN_FLIGHT);

  private constructor(
    file: BoundedFile,
    private readonly header: Qcow2Header,
    /** Validated L2 table file offsets, 0 for unallocated. */
    private readonly l1: Float64Array,
  ) {
    super(file, header.virtualSize);
    this.clusterSize = header.clusterSize;
    this.blockBytes = header.clusterSize;
    this.l2Entries = header.clusterSize / 8;
    this.l2Cache = new LruCache(entriesWithinBudget(L2_CACHE_BYTES, header.clusterSize));
  }

  /** Parses and checks the header and L1 table; the caller closes `file` if this throws. */
  static async open(file: BoundedFile, maxVirtualSize: number): Promise<Qcow2Reader> {
    const probe = await file.readBuffer(Math.min(file.size, 512), 0, 'qcow2 header');
    if (probe.length < 72) throw new DiskFormatError('qcow2 header is truncated');
    const clusterBits = probe.readUInt32BE(20);
    const headLength = clusterBits >= 9 && clusterBits <= 21 ? Math.min(file.size, 2 ** clusterBits) : probe.length;
    const head = headLength > probe.length ? await file.readBuffer(headLength, 0, 'qcow2 header') : probe;
    const header = parseQcow2Header(head, file.size, maxVirtualSize);
    const l1 = await loadL1(file, header);
    hintTables(file, l1, header.clusterSize, L2_CACHE_BYTES);
    return new Qcow2Reader(file, header, l1);
  }

  protected async mapRun(offset: number, maxLength: number, run: Run): Promise<void> {
    const cs = this.clusterSize;
    const cluster = Math.floor(offset / cs);
    const inCluster = offset - cluster * cs;
    const l1Index = Math.floor(cluster / this.l2Entries);
    let l2Index = cluster - l1Index * this.l2Entries;
    const l2Offset = this.l1[l1Index] ?? 0;
    const l2End = (l1Index + 1) * this.l2Entries * cs;
    if (l2Offset === 0) {
      // Skip every following unallocated L2 table too: an empty 2 TiB disk is one run.
      let next = l1Index + 1;
      while (next < this.l1.length && this.l1[next] === 0) next++;
      run.kind = RUN_HOLE;
      run.length = Math.min(maxLength, Math.min(next * this.l2Entries * cs, this.virtualSize) - offset);
      return;
    }
    const table = await this.l2Cache.getOrLoad(l2Offset, () => this.file.readBuffer(cs, l2Offset, 'qcow2 L2 table'));
    const hi = table.readUInt32BE(l2Index * 8);
    const lo = table.readUInt32BE(l2Index * 8 + 4);

    if (hi & HI_COMPRESSED) {
      this.mapCompressed(hi, lo, cluster, inCluster, maxLength, run);
      return;
    }
    const kind = classify(hi, lo, offset);
    const limit = Math.min(offset + maxLength, l2End, this.virtualSize);
    let end = (cluster + 1) * cs;
    if (kind === RUN_HOLE) {
      // Extend across following holes in the same L2 table.
      while (end < limit) {
        l2Index++;
        const h = table.readUInt32BE(l2Index * 8);
        const l = table.readUInt32BE(l2Index * 8 + 4);
        if (h & HI_COMPRESSED || classify(h, l, end) !== RUN_HOLE) break;
        end += cs;
      }
      run.kind = RUN_HOLE;
      run.length = Math.min(end, limit) - offset;
      return;
    }
    const host = hostOffset(hi, lo);
    let nextHost = host + cs;
    // Extend across following clusters that are also contiguous in the file: one read for all.
    while (end < limit) {
      l2Index++;
      const h = table.readUInt32BE(l2Index * 8);
      const l = table.readUInt32BE(l2Index * 8 + 4);
      if (h & HI_COMPRESSED || classify(h, l, end) !== RUN_DATA || hostOffset(h, l) !== nextHost) break;
      end += cs;
      nextHost += cs;
    }
    run.kind = RUN_DATA;
    run.length = Math.min(end, limit) - offset;
    run.fileOffset = host + inCluster;
    this.checkData(host, inCluster + run.length);
  }

  private checkData(host: number, length: number): void {
    if (host % this.clusterSize !== 0) throw new DiskFormatError(`qcow2 data cluster offset ${host} is not cluster-aligned`);
    if (!this.file.contains(host, length)) {
      throw new DiskFormatError(`qcow2 data cluster at byte offset ${host} lies past the end of the file; the image is truncated or corrupt`);
    }
    refuseOverlap('qcow2', 'data cluster', host, length, this.header.metadata);
  }

  private mapCompressed(hi: number, lo: number, cluster: number, inCluster: number, maxLength: number, run: Run): void {
    // Compressed descriptor: low x bits host offset, next (62 - x) bits extra 512-byte sectors.
    const entry = (BigInt(hi & 0x3fffffff) << 32n) | BigInt(lo);
    const x = 62n - BigInt(this.header.clusterBits - 8);
    const host = entry & ((1n << x) - 1n);
    if (host >= BigInt(this.file.size)) {
      throw new DiskFormatError(`qcow2 compressed cluster at byte offset ${host} lies past the end of the file; the image is truncated or corrupt`);
    }
    const hostOffset = Number(host);
    refuseOverlap('qcow2', 'compressed cluster', hostOffset, 1, this.header.metadata);
    run.kind = RUN_COMPRESSED;
    run.fileOffset = hostOffset;
    run.block = cluster;
    run.inBlock = inCluster;
    // At most 2^(clusterBits - 8) sectors: two clusters' worth, so this is bounded by design.
    const sectors = Number((entry >> x) & ((1n << (62n - x)) - 1n)) + 1;
    run.compressedLength = sectors * 512 - (hostOffset % 512);
    run.length = Math.min(maxLength, this.clusterSize - inCluster, this.virtualSize - cluster * this.clusterSize - inCluster);
  }

  protected async inflateBlock(run: Run, out: Buffer, at: number): Promise<void> {
    const cs = this.clusterSize;
    const host = run.fileOffset;
    const compressed = this.scratch.take(run.compressedLength);
    try {
      // The size field counts whole sectors, so the last cluster may claim bytes past EOF.
      await this.file.readClampedInto(compressed, host, 'qcow2 compressed cluster');
      const what = `qcow2 compressed cluster at byte offset ${host}`;
      const n = inflateInto('raw', compressed, out, at, cs, what);
      if (n !== cs) throw new DiskFormatError(`${what} decompresses to ${n} bytes instead of ${cs}`);
    } finally {
      this.scratch.give(compressed);
    }
  }
}

function hostOffset(hi: number, lo: number): number {
  return (hi & HI_OFFSET_MASK) * TWO32 + ((lo & LO_OFFSET_MASK) >>> 0);
}

/** Standard (uncompressed) entry: zero flag and unallocated entries are holes (no backing file). */
function classify(hi: number, lo: number, virtualOffset: number): typeof RUN_HOLE | typeof RUN_DATA {
  if (hi & HI_RESERVED || lo & LO_RESERVED) {
    throw new DiskFormatError(`qcow2 L2 entry for virtual offset ${virtualOffset} has reserved bits set`);
  }
  if (lo & LO_ZERO) return RUN_HOLE;
  return hostOffset(hi, lo) === 0 ? RUN_HOLE : RUN_DATA;
}

/** Reads the used part of the L1 table and validates every L2 pointer before any lookup. */
async function loadL1(file: BoundedFile, h: Qcow2Header): Promise<Float64Array> {
  const l1 = new Float64Array(h.l1Entries);
  if (h.l1Entries === 0) return l1;
  const raw = await file.readBuffer(h.l1Entries * 8, h.l1Offset, 'qcow2 L1 table');
  for (let i = 0; i < h.l1Entries; i++) {
    const hi = raw.readUInt32BE(i * 8);
    const lo = raw.readUInt32BE(i * 8 + 4);
    if (hi & 0x7f000000 || lo & 0x1ff) throw new DiskFormatError(`qcow2 L1 entry ${i} has reserved bits set`);
    const offset = hostOffset(hi, lo);
    if (offset === 0) continue;
    if (offset % h.clusterSize !== 0) throw new DiskFormatError(`qcow2 L2 table offset ${offset} is not cluster-aligned`);
    if (!file.contains(offset, h.clusterSize)) {
      throw new DiskFormatError(`qcow2 L2 table at byte offset ${offset} lies past the end of the file; the image is truncated or corrupt`);
    }
    refuseOverlap('qcow2', 'L2 table', offset, h.clusterSize, h.metadata);
    l1[i] = offset;
  }
  return l1;
}
