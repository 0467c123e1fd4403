import { DiskFormatError } from '../disk-reader.ts';
import type { BoundedFile } from './bounded-file.ts';
import { inflateInto } from './inflate.ts';
import { refuseOverlap, type FileRange } from './int-fields.ts';
import { LruCache, entriesWithinBudget } from './lru-cache.ts';
import { MAX_INFLATES_IN_FLIGHT, MappedReader, RUN_COMPRESSED, RUN_DATA, RUN_HOLE, type Run } from './mapped-reader.ts';
import { VMDK_MAX_DESCRIPTOR_BYTES, checkEmbeddedDescriptor, parseVmdkDescriptor } from './vmdk-descriptor.ts';
import { ScratchBuffers } from './scratch-buffers.ts';
import { hintTables } from './table-hints.ts';
import { VMDK_FOOTER_BYTES, VMDK_HEADER_SIZE, parseVmdkFooter, parseVmdkHeader, type VmdkHeader } from './vmdk-header.ts';

const GT_CACHE_BYTES = 16 * 1024 * 1024;
const MAX_GD_BYTES = 32 * 1024 * 1024;
const GRAIN_MARKER_BYTES = 12; // lba u64 + size u32, then the zlib stream

/** VMDK monolithicSparse and streamOptimized: one sparse extent in this one file. */
export class VmdkReader extends MappedReader {
  readonly format = 'vmdk' as const;
  private readonly grainBytes: number;
  private readonly gtCache: LruCache<number, Uint32Array>;
  protected readonly blockBytes: number;
  private readonly scratch = new ScratchBuffers(MAX_INFLATES_IN_FLIGHT);

  private constructor(
    file: BoundedFile,
    private readonly header: VmdkHeader,
    /** Validated grain table byte offsets per GD entry, 0 for none. */
    private readonly gd: Float64Array,
    private readonly metadata: FileRange[],
  ) {
    super(file, header.capacitySectors * 512);
    this.grainBytes = header.grainSectors * 512;
    this.blockBytes = this.grainBytes;
    this.gtCache = new LruCache(entriesWithinBudget(GT_CACHE_BYTES, header.gtesPerGt * 4));
  }

  /** Reads header, descriptor, footer and grain directory; the caller closes `file` if this throws. */
  static async open(file: BoundedFile, maxVirtualSize: number): Promise<VmdkReader> {
    let header: VmdkHeader = parseVmdkHeader(await file.readBuffer(VMDK_HEADER_SIZE, 0, 'VMDK header'), maxVirtualSize);
    await checkDescriptor(file, header);
    const metadata: FileRange[] = [
      { name: 'VMDK header', start: 0, end: VMDK_HEADER_SIZE },
      { name: 'VMDK descriptor', start: header.descriptorOffset * 512, end: (header.descriptorOffset + header.descriptorSize) * 512 },
    ];
    if (header.gdAtEnd) {
      if (file.size < VMDK_FOOTER_BYTES + VMDK_HEADER_SIZE) throw new DiskFormatError('VMDK streamOptimized file is too small to hold its footer');
      const tailAt = file.size - VMDK_FOOTER_BYTES;
      const footer = parseVmdkFooter(await file.readBuffer(VMDK_FOOTER_BYTES, tailAt, 'VMDK footer'), maxVirtualSize);
      if (footer.capacitySectors !== header.capacitySectors || footer.grainSectors !== header.grainSectors || footer.gtesPerGt !== header.gtesPerGt) {
        throw new DiskFormatError('VMDK footer disagrees with the header about the disk geometry');
      }
      header = { ...header, gdOffset: footer.gdOffset };
      metadata.push({ name: 'VMDK footer', start: tailAt, end: file.size });
    }
    const gd = await loadGrainDirectory(file, header, metadata);
    hintTables(file, gd, header.gtesPerGt * 4, GT_CACHE_BYTES);
    return new VmdkReader(file, header, gd, metadata);
  }

  protected async mapRun(offset: number, maxLength: number, run: Run): Promise<void> {
    const gb = this.grainBytes;
    const perGt = this.header.gtesPerGt;
    const grain = Math.floor(offset / gb);
    const inGrain = offset - grain * gb;
    const gdIndex = Math.floor(grain / perGt);
    let gtIndex = grain - gdIndex * perGt;
    const gtOffset = this.gd[gdIndex] ?? 0;
    const limit = Math.min(offset + maxLength, (gdIndex + 1) * perGt * gb, this.virtualSize);
    if (gtOffset === 0) {
      let next = gdIndex + 1;
      while (next < this.gd.length && this.gd[next] === 0) next++;
      run.kind = RUN_HOLE;
      run.length = Math.min(offset + maxLength, next * perGt * gb, this.virtualSize) - offset;
      return;
    }
    const gt = await this.gtCache.getOrLoad(gdIndex, () => this.loadGrainTable(gtOffset));
    const first = gt[gtIndex] ?? 0;
    let end = (grain + 1) * gb;
    if (this.isHole(first)) {
      while (end < limit && this.isHole(gt[++gtIndex] ?? 0)) end += gb;
      run.kind = RUN_HOLE;
      run.length = Math.min(end, limit) - offset;
      return;
    }
    const host = first * 512;
    if (this.header.compressed) {
      this.checkGrain(host, GRAIN_MARKER_BYTES);
      run.kind = RUN_COMPRESSED;
      run.fileOffset = host;
      // What inflateBlock reads in one go; read-ahead hints cover the same bytes.
      run.compressedLength = this.markerReadLength(host);
      run.block = grain;
      run.inBlock = inGrain;
      run.length = Math.min(end, limit) - offset;
      return;
    }
    let next = first + this.header.grainSectors;
    while (end < limit) {
      const e = gt[++gtIndex] ?? 0;
      if (this.isHole(e) || e !== next) break;
      end += gb;
      next += this.header.grainSectors;
    }
    run.kind = RUN_DATA;
    run.length = Math.min(end, limit) - offset;
    run.fileOffset = host + inGrain;
    this.checkGrain(host, inGrain + run.length);
  }

  protected async inflateBlock(run: Run, out: Buffer, at: number): Promise<void> {
    const gb = this.grainBytes;
    const from = run.fileOffset;
    let head = this.scratch.take(this.markerReadLength(from));
    try {
      await this.file.readInto(head, 0, head.length, from, 'VMDK grain marker');
      if (head.length < GRAIN_MARKER_BYTES) throw new DiskFormatError(`VMDK grain marker at byte offset ${from} is truncated`);
      const size = head.readUInt32LE(8);
      // Deflate never expands data by more than a few bytes per 16 KiB block.
      if (size === 0 || size > gb * 2 + 1024) throw new DiskFormatError(`VMDK compressed grain at byte offset ${from} has an invalid size ${size}`);
      if (GRAIN_MARKER_BYTES + size > head.length) {
        const short = head;
        head = this.scratch.take(GRAIN_MARKER_BYTES + size);
        this.scratch.give(short);
        await this.file.readInto(head, 0, head.length, from, 'VMDK compressed grain');
      }
      const what = `VMDK compressed grain at byte offset ${from}`;
      const n = inflateInto('zlib', head.subarray(GRAIN_MARKER_BYTES, GRAIN_MARKER_BYTES + size), out, at, gb, what);
      const needed = Math.min(gb, this.virtualSize - run.block * gb);
      if (n < needed) throw new DiskFormatError(`${what} decompresses to ${n} bytes, fewer than the ${needed} it must hold`);
      out.fill(0, at + n, at + gb);
    } finally {
      this.scratch.give(head);
    }
  }

  /** One read usually gets marker and data: deflate of a grain is at most a little larger. */
  private markerReadLength(at: number): number {
    return Math.min(GRAIN_MARKER_BYTES + this.grainBytes + 1024, this.file.size - at);
  }

  private isHole(gte: number): boolean {
    return gte === 0 || (gte === 1 && this.header.zeroGrain);
  }

  private checkGrain(host: number, length: number): void {
    if (!this.file.contains(host, length)) {
      throw new DiskFormatError(`VMDK grain at byte offset ${host} lies past the end of the file; the image is truncated or corrupt`);
    }
    refuseOverlap('VMDK', 'grain', host, length, this.metadata);
  }

  private async loadGrainTable(at: number): Promise<Uint32Array> {
    const raw = await this.file.readBuffer(this.header.gtesPerGt * 4, at, 'VMDK grain table');
    const gt = new Uint32Array(this.header.gtesPerGt);
    for (let i = 0; i < gt.length; i++) gt[i] = raw.readUInt32LE(i * 4);
    return gt;
  }
}

async function checkDescriptor(file: BoundedFile, h: VmdkHeader): Promise<void> {
  if (h.descriptorOffset === 0 || h.descriptorSize === 0) {
    throw new DiskFormatError(
      'VMDK sparse extent has no embedded descriptor (it is one part of a multi-file disk); only monolithicSparse and streamOptimized are supported',
    );
  }
  const bytes = h.descriptorSize * 512;
  if (bytes > VMDK_MAX_DESCRIPTOR_BYTES)
    throw new DiskFormatError(`VMDK embedded descriptor of ${bytes} bytes is larger than the ${VMDK_MAX_DESCRIPTOR_BYTES}-byte limit`);
  const text = (await file.readBuffer(bytes, h.descriptorOffset * 512, 'VMDK embedded descriptor')).toString('latin1');
  checkEmbeddedDescriptor(parseVmdkDescriptor(text));
}

async function loadGrainDirectory(file: BoundedFile, h: VmdkHeader, metadata: FileRange[]): Promise<Float64Array> {
  const virtualSize = h.capacitySectors * 512;
  const entries = Math.ceil(virtualSize / (h.grainSectors * 512 * h.gtesPerGt));
  if (entries * 4 > MAX_GD_BYTES) throw new DiskFormatError(`VMDK grain directory of ${entries} entries is too large`);
  const gd = new Float64Array(entries);
  if (entries === 0) return gd;
  const raw = await file.readBuffer(entries * 4, h.gdOffset * 512, 'VMDK grain directory');
  metadata.push({ name: 'VMDK grain directory', start: h.gdOffset * 512, end: h.gdOffset * 512 + entries * 4 });
  const gtBytes = h.gtesPerGt * 4;
  for (let i = 0; i < entries; i++) {
    const sector = raw.readUInt32LE(i * 4);
    if (sector === 0) continue;
    const at = sector * 512;
    if (!file.contains(at, gtBytes)) {
      throw new DiskFormatError(`VMDK grain table ${i} at byte offset ${at} lies past the end of the file; the image is truncated or corrupt`);
    }
    refuseOverlap('VMDK', 'grain table', at, gtBytes, metadata);
    gd[i] = at;
  }
  return gd;
}
