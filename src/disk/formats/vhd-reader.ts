import { DiskFormatError } from '../disk-reader.ts';
import type { BoundedFile } from './bounded-file.ts';
import { refuseOverlap, type FileRange } from './int-fields.ts';
import { LruCache, entriesWithinBudget } from './lru-cache.ts';
import { MappedReader, RUN_DATA, RUN_HOLE, type Run } from './mapped-reader.ts';
import { VHD_DYNAMIC_HEADER_SIZE, VHD_FOOTER_SIZE, parseVhdDynamicHeader, parseVhdFooter, type VhdDynamicHeader } from './vhd-structures.ts';

const BAT_UNUSED = 0xffffffff;
const BITMAP_CACHE_BYTES = 4 * 1024 * 1024;
/** Like qemu's L1 cap: the BAT (and our copy of it) stays small whatever the header claims. */
const MAX_BAT_BYTES = 32 * 1024 * 1024;

interface DynamicLayout {
  header: VhdDynamicHeader;
  /** Validated block start (bitmap) offsets per block, -1 for unallocated. */
  bat: Float64Array;
  bitmapBytes: number;
}

/**
 * VHD fixed and dynamic. The footer at the end of the file is authoritative (its copy at
 * offset 0 only serves detection); dynamic blocks honour their sector bitmaps.
 */
export class VhdReader extends MappedReader {
  readonly format = 'vhd' as const;
  private readonly bitmaps: LruCache<number, Buffer>;

  private constructor(
    file: BoundedFile,
    virtualSize: number,
    private readonly dyn: DynamicLayout | null,
  ) {
    super(file, virtualSize);
    this.bitmaps = new LruCache(entriesWithinBudget(BITMAP_CACHE_BYTES, dyn?.bitmapBytes ?? 512));
  }

  /** Reads the footer (and a dynamic disk's tables); the caller closes `file` if this throws. */
  static async open(file: BoundedFile, maxVirtualSize: number): Promise<VhdReader> {
    if (file.size < VHD_FOOTER_SIZE) throw new DiskFormatError('VHD file is too small to hold a footer');
    const footerAt = file.size - VHD_FOOTER_SIZE;
    const footer = parseVhdFooter(await file.readBuffer(VHD_FOOTER_SIZE, footerAt, 'VHD footer'), maxVirtualSize);
    if (footer.kind === 'fixed') {
      if (footer.virtualSize > footerAt) {
        throw new DiskFormatError(`VHD fixed disk of ${footer.virtualSize} bytes does not fit in the ${file.size}-byte file; the image is truncated`);
      }
      return new VhdReader(file, footer.virtualSize, null);
    }
    const dyn = await loadDynamic(file, footer.dataOffset, footer.virtualSize, footerAt);
    return new VhdReader(file, footer.virtualSize, dyn);
  }

  protected async mapRun(offset: number, maxLength: number, run: Run): Promise<void> {
    if (!this.dyn) {
      run.kind = RUN_DATA;
      run.fileOffset = offset;
      run.length = maxLength;
      return;
    }
    const { blockSize } = this.dyn.header;
    const block = Math.floor(offset / blockSize);
    const inBlock = offset - block * blockSize;
    const limit = Math.min(maxLength, blockSize - inBlock);
    const start = this.dyn.bat[block] ?? -1;
    if (start < 0) {
      // Skip every following unallocated block too, so empty stretches cost one step.
      let next = block + 1;
      const bat = this.dyn.bat;
      while (next < bat.length && bat[next]! < 0) next++;
      run.kind = RUN_HOLE;
      run.length = Math.min(maxLength, Math.min(next * blockSize, this.virtualSize) - offset);
      return;
    }
    const bitmap = await this.bitmaps.getOrLoad(block, () => this.file.readBuffer(this.dyn!.bitmapBytes, start, 'VHD sector bitmap'));
    const sector = Math.floor(inBlock / 512);
    const set = bitAt(bitmap, sector);
    const runEnd = sameBitsUntil(bitmap, sector, set, Math.ceil((inBlock + limit) / 512)) * 512;
    run.kind = set ? RUN_DATA : RUN_HOLE;
    run.length = Math.min(runEnd, inBlock + limit) - inBlock;
    run.fileOffset = start + this.dyn.bitmapBytes + inBlock;
  }

  /**
   * Whole allocated blocks, contiguous in the file, come in one read: each block's bitmap
   * into a buffer of its own and its data straight into `buf` (a VHD written in order
   * lays its blocks end to end), so a remote source makes one request where it made two
   * per block. The data of sectors the bitmap leaves clear is read along and zeroed after.
   * Reads from inside a block, and holes, go the sector-exact way (MappedReader.read).
   */
  override async read(buf: Buffer, length: number, offset: number): Promise<void> {
    const dyn = this.dyn;
    if (!dyn || !(offset >= 0 && length >= 0 && offset + length <= this.virtualSize && length <= buf.length)) {
      return super.read(buf, length, offset);
    }
    const { blockSize } = dyn.header;
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const block = Math.floor(at / blockSize);
      const inBlock = at - block * blockSize;
      const n = Math.min(length - done, blockSize - inBlock);
      if (inBlock !== 0 || (dyn.bat[block] ?? -1) < 0) {
        await super.read(buf.subarray(done), n, at);
        done += n;
      } else {
        done += await this.readBlocks(dyn, buf, done, length - done, block);
      }
    }
  }

  /** Reads from the start of `block` on, through the following blocks next to it in the file; returns the bytes done. */
  private async readBlocks(dyn: DynamicLayout, buf: Buffer, into: number, most: number, first: number): Promise<number> {
    const { blockSize } = dyn.header;
    const step = dyn.bitmapBytes + blockSize;
    const parts: Buffer[] = [];
    const bitmaps: Buffer[] = [];
    let done = 0;
    let block = first;
    while (done < most && (block === first || dyn.bat[block] === dyn.bat[block - 1]! + step)) {
      const n = Math.min(most - done, blockSize);
      const bitmap = Buffer.allocUnsafe(dyn.bitmapBytes);
      bitmaps.push(bitmap);
      parts.push(bitmap, buf.subarray(into + done, into + done + n));
      done += n;
      block++;
    }
    await this.file.readParts(parts, dyn.bat[first]!, 'VHD block');
    for (let i = 0; i < bitmaps.length; i++) {
      const bitmap = bitmaps[i]!;
      this.bitmaps.set(first + i, bitmap);
      zeroClearSectors(bitmap, parts[2 * i + 1]!);
    }
    return done;
  }

  /**
   * Extents and read-ahead hints stop at the BAT: an allocated block counts as data. Whole
   * blocks are read with their bitmaps (read above), so only a run from inside a block
   * hints its bitmap (as the run's lead) with the data it sits in front of. That spares
   * the walk a round trip per block over a remote source.
   */
  protected override async planRun(offset: number, maxLength: number, run: Run): Promise<void> {
    const dyn = this.dyn;
    const block = dyn ? Math.floor(offset / dyn.header.blockSize) : 0;
    const start = dyn?.bat[block] ?? -1;
    if (!dyn || start < 0) return this.mapRun(offset, maxLength, run);
    const inBlock = offset - block * dyn.header.blockSize;
    run.kind = RUN_DATA;
    run.length = Math.min(maxLength, dyn.header.blockSize - inBlock);
    run.fileOffset = start + dyn.bitmapBytes + inBlock;
    run.lead = inBlock === 0 ? 0 : dyn.bitmapBytes + inBlock;
  }

  protected readonly blockBytes = 0;

  protected inflateBlock(): Promise<void> {
    return Promise.reject(new Error('VHD has no compressed blocks'));
  }
}

/** Sector bitmaps are big-endian: sector 0 is the most significant bit of byte 0. */
function bitAt(bitmap: Buffer, sector: number): boolean {
  return ((bitmap[sector >> 3] ?? 0) & (0x80 >> (sector & 7))) !== 0;
}

/** Zeroes the sectors of `data` (a block's first bytes) whose bits in `bitmap` are clear. */
function zeroClearSectors(bitmap: Buffer, data: Buffer): void {
  const sectors = Math.ceil(data.length / 512);
  for (let s = 0; s < sectors; ) {
    const set = bitAt(bitmap, s);
    const end = sameBitsUntil(bitmap, s, set, sectors);
    if (!set) data.fill(0, s * 512, Math.min(end * 512, data.length));
    s = end;
  }
}

/** First sector in (from, limit) whose bit differs from `set`, or `limit`. Skips whole bytes. */
function sameBitsUntil(bitmap: Buffer, from: number, set: boolean, limit: number): number {
  const full = set ? 0xff : 0x00;
  let s = from + 1;
  while (s < limit) {
    if ((s & 7) === 0 && s + 8 <= limit && bitmap[s >> 3] === full) {
      s += 8;
      continue;
    }
    if (bitAt(bitmap, s) !== set) return s;
    s++;
  }
  return limit;
}

async function loadDynamic(file: BoundedFile, headerAt: number, virtualSize: number, footerAt: number): Promise<DynamicLayout> {
  const header = parseVhdDynamicHeader(await file.readBuffer(VHD_DYNAMIC_HEADER_SIZE, headerAt, 'VHD dynamic header'));
  const { blockSize, batOffset, maxTableEntries } = header;
  const blocks = Math.ceil(virtualSize / blockSize);
  if (maxTableEntries < blocks) throw new DiskFormatError(`VHD BAT has ${maxTableEntries} entries but the virtual size needs ${blocks}`);
  if (blocks * 4 > MAX_BAT_BYTES) throw new DiskFormatError(`VHD block allocation table of ${blocks} entries is too large (block size ${blockSize})`);
  // Only the entries the virtual size needs are read, and they must lie inside the file.
  const bat = await file.readBuffer(blocks * 4, batOffset, 'VHD block allocation table');
  const bitmapBytes = Math.ceil(blockSize / 512 / 8 / 512) * 512;
  const metadata: FileRange[] = [
    { name: 'VHD footer copy', start: 0, end: VHD_FOOTER_SIZE },
    { name: 'VHD dynamic header', start: headerAt, end: headerAt + VHD_DYNAMIC_HEADER_SIZE },
    { name: 'VHD block allocation table', start: batOffset, end: batOffset + blocks * 4 },
    { name: 'VHD footer', start: footerAt, end: footerAt + VHD_FOOTER_SIZE },
  ];
  const starts = new Float64Array(blocks).fill(-1);
  for (let i = 0; i < blocks; i++) {
    const sector = bat.readUInt32BE(i * 4);
    if (sector === BAT_UNUSED) continue;
    const start = sector * 512;
    const used = bitmapBytes + Math.min(blockSize, virtualSize - i * blockSize);
    if (!file.contains(start, used)) {
      throw new DiskFormatError(`VHD BAT entry ${i} points to byte offset ${start}, past the end of the file; the image is truncated or corrupt`);
    }
    refuseOverlap('VHD', `block ${i}`, start, used, metadata);
    starts[i] = start;
  }
  return { header, bat: starts, bitmapBytes };
}
