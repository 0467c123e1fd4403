import { open, realpath, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import type { DiskReader, Extent } from './disk-reader.ts';
import { dataExtentsOf } from './file-extents.ts';

/**
 * Reads one of Kiln's own instance disks: a qcow2 v3 overlay (as createQcow2Overlay makes
 * and qemu then writes) over a raw backing file, as a guest would see it. This is the
 * trusted path for the node's own disks; imports go through Qcow2Reader, which refuses
 * backing files. Even here the backing file must be a file of the node's image cache
 * (`trustedDir`), so a disk whose header was changed cannot make a capture read another
 * file of the machine.
 *
 * extents() can leave the backing file out (`overlayOnly`): then it yields only the
 * clusters the overlay itself holds (written or zeroed), which is what a capture that
 * reuses the backing image's chunk keys needs to read.
 */

const HI_COMPRESSED = 0x40000000;
const LO_ZERO = 0x1;
const OFFSET_MASK_HI = 0x00ffffff;
const OFFSET_MASK_LO = 0xfffffe00;
const INCOMPAT_KNOWN_SAFE = 1n; // dirty bit: refcounts may be stale, mappings are not

/** qemu keeps the header, its extensions and the backing file name in the first cluster. */
const HEADER_CLUSTER = 64 * 1024;

type Cluster = { kind: 'backing' } | { kind: 'zero' } | { kind: 'data'; hostOffset: number };

export class Qcow2OverlayReader implements DiskReader {
  readonly format = 'qcow2' as const;
  private readonly l2Cache = new Map<number, Buffer>();

  private constructor(
    private readonly file: FileHandle,
    private readonly backing: FileHandle,
    readonly backingPath: string,
    readonly backingSize: number,
    readonly virtualSize: number,
    private readonly clusterSize: number,
    private readonly l1: Buffer,
    private readonly overlayOnly: boolean,
  ) {}

  /** The backing file an overlay names, or undefined for a file that is not a qcow2 overlay. */
  static async backingFileOf(path: string): Promise<string | undefined> {
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(HEADER_CLUSTER);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      return backingName(head.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  }

  static async open(path: string, opts: { trustedDir: string; overlayOnly?: boolean }): Promise<Qcow2OverlayReader> {
    const file = await open(path, 'r');
    let backing: FileHandle | undefined;
    try {
      const head = Buffer.alloc(HEADER_CLUSTER);
      const { bytesRead } = await file.read(head, 0, head.length, 0);
      const name = backingName(head.subarray(0, bytesRead));
      if (name === undefined) throw new Error(`${path} is not an overlay with a backing file`);
      if (head.readUInt32BE(4) !== 3) throw new Error(`${path}: only qcow2 version 3 overlays are read here`);
      const incompat = head.readBigUInt64BE(72);
      if ((incompat & ~INCOMPAT_KNOWN_SAFE) !== 0n) throw new Error(`${path}: incompatible qcow2 features 0x${incompat.toString(16)}`);
      if (head.readUInt32BE(32) !== 0) throw new Error(`${path}: encrypted overlay`);
      const clusterBits = head.readUInt32BE(20);
      if (clusterBits < 9 || clusterBits > 21) throw new Error(`${path}: cluster_bits ${clusterBits}`);
      const clusterSize = 2 ** clusterBits;
      const virtualSize = Number(head.readBigUInt64BE(24));
      const l1Size = head.readUInt32BE(36);
      const l1Offset = Number(head.readBigUInt64BE(40));
      const needed = Math.ceil(Math.ceil(virtualSize / clusterSize) / (clusterSize / 8));
      if (l1Size < needed) throw new Error(`${path}: L1 table too small for its size`);
      const backingPath = await trustedBacking(name, opts.trustedDir);
      backing = await open(backingPath, 'r');
      const backingSize = (await backing.stat()).size;
      const l1 = Buffer.alloc(needed * 8);
      await readFully(file, l1, l1Offset);
      return new Qcow2OverlayReader(file, backing, backingPath, backingSize, virtualSize, clusterSize, l1, opts.overlayOnly ?? false);
    } catch (e) {
      await file.close();
      await backing?.close();
      throw e;
    }
  }

  async *extents(): AsyncIterable<Extent> {
    const own = await this.overlayExtents();
    if (this.overlayOnly) {
      yield* own;
      return;
    }
    const backing = dataExtentsOf(this.backing.fd, this.backingSize) ?? (this.backingSize > 0 ? [{ offset: 0, length: this.backingSize }] : []);
    yield* mergeExtents(
      own,
      backing.map((e) => ({ offset: e.offset, length: Math.min(e.length, this.virtualSize - e.offset) })).filter((e) => e.length > 0),
    );
  }

  /** Clusters the overlay holds (data or explicit zeros), merged into ascending extents. */
  async overlayExtents(): Promise<Extent[]> {
    const out: Extent[] = [];
    const clusters = Math.ceil(this.virtualSize / this.clusterSize);
    const perL2 = this.clusterSize / 8;
    for (let l1Index = 0; l1Index * perL2 < clusters; l1Index++) {
      const l2 = await this.l2Table(l1Index);
      if (!l2) continue;
      for (let i = 0; i < perL2; i++) {
        const c = l1Index * perL2 + i;
        if (c >= clusters) break;
        if (classify(l2, i).kind === 'backing') continue;
        const offset = c * this.clusterSize;
        const length = Math.min(this.clusterSize, this.virtualSize - offset);
        const last = out.at(-1);
        if (last && last.offset + last.length === offset) last.length += length;
        else out.push({ offset, length });
      }
    }
    return out;
  }

  async read(buf: Buffer, length: number, offset: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const c = Math.floor(at / this.clusterSize);
      const within = at - c * this.clusterSize;
      const first = Math.min(length - done, this.clusterSize - within);
      const cluster = await this.cluster(c);
      // Neighbouring clusters of the same kind (backing, zeros, or data laid out
      // contiguously in the overlay) are read in one call: a chunk is 64 clusters.
      let n = first;
      while (done + n < length) {
        const next = await this.cluster(c + Math.ceil((within + n) / this.clusterSize));
        if (!continues(cluster, next, within + n)) break;
        n += Math.min(length - done - n, this.clusterSize);
      }
      const dest = buf.subarray(done, done + n);
      if (cluster.kind === 'zero') dest.fill(0);
      else if (cluster.kind === 'data') await readFully(this.file, dest, cluster.hostOffset + within);
      else await this.readBacking(dest, at);
      done += n;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.file.close(), this.backing.close()]);
  }

  private async readBacking(dest: Buffer, at: number): Promise<void> {
    const n = Math.max(0, Math.min(dest.length, this.backingSize - at));
    if (n > 0) await readFully(this.backing, dest.subarray(0, n), at);
    dest.fill(0, n);
  }

  private async cluster(c: number): Promise<Cluster> {
    const perL2 = this.clusterSize / 8;
    const l2 = await this.l2Table(Math.floor(c / perL2));
    return l2 ? classify(l2, c % perL2) : { kind: 'backing' };
  }

  private async l2Table(l1Index: number): Promise<Buffer | undefined> {
    const cached = this.l2Cache.get(l1Index);
    if (cached) return cached;
    const hi = this.l1.readUInt32BE(l1Index * 8) & OFFSET_MASK_HI;
    const lo = this.l1.readUInt32BE(l1Index * 8 + 4) & OFFSET_MASK_LO;
    const l2Offset = hi * 2 ** 32 + lo;
    if (l2Offset === 0) return undefined;
    const l2 = Buffer.alloc(this.clusterSize);
    await readFully(this.file, l2, l2Offset);
    // A capture walks the disk once, front to back: a few tables at a time are enough.
    if (this.l2Cache.size >= 64) this.l2Cache.delete(this.l2Cache.keys().next().value!);
    this.l2Cache.set(l1Index, l2);
    return l2;
  }
}

/** Whether `next`, `gap` bytes after the start of `run`'s first cluster, extends the same read. */
function continues(run: Cluster, next: Cluster, gap: number): boolean {
  if (run.kind !== next.kind) return false;
  if (run.kind === 'data' && next.kind === 'data') return next.hostOffset === run.hostOffset + gap;
  return true;
}

function classify(l2: Buffer, i: number): Cluster {
  const hi = l2.readUInt32BE(i * 8);
  const lo = l2.readUInt32BE(i * 8 + 4);
  if (hi & HI_COMPRESSED) throw new Error('compressed clusters in an instance disk are not supported');
  if (lo & LO_ZERO) return { kind: 'zero' };
  const hostOffset = (hi & OFFSET_MASK_HI) * 2 ** 32 + (lo & OFFSET_MASK_LO);
  return hostOffset === 0 ? { kind: 'backing' } : { kind: 'data', hostOffset };
}

function backingName(head: Buffer): string | undefined {
  if (head.length < 104 || head.toString('latin1', 0, 4) !== 'QFI\xfb') return undefined;
  const offset = Number(head.readBigUInt64BE(8));
  const size = head.readUInt32BE(16);
  if (offset === 0 || size === 0) return undefined;
  if (offset + size > head.length) throw new Error('qcow2 backing file name lies outside the header');
  return head.toString('utf8', offset, offset + size);
}

/** The backing file, resolved, if it is a file directly inside the trusted directory. */
async function trustedBacking(name: string, trustedDir: string): Promise<string> {
  if (!isAbsolute(name)) throw new Error(`backing file ${name} is not an absolute path`);
  const [resolved, dir] = await Promise.all([realpath(name), realpath(trustedDir)]);
  if (dirname(resolved) !== dir) throw new Error(`backing file ${name} is not in the image cache ${trustedDir}`);
  return resolved;
}

async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, position + off);
    if (bytesRead === 0) {
      // Past the end of a file reads as zeros (qemu does the same for a short backing file).
      buf.fill(0, off);
      return;
    }
    off += bytesRead;
  }
}

/** The union of two ascending extent lists, ascending and merged. */
export function mergeExtents(a: readonly Extent[], b: readonly Extent[]): Extent[] {
  const all = [...a, ...b].sort((x, y) => x.offset - y.offset);
  const out: Extent[] = [];
  for (const e of all) {
    const last = out.at(-1);
    if (last && e.offset <= last.offset + last.length) last.length = Math.max(last.length, e.offset + e.length - last.offset);
    else out.push({ ...e });
  }
  return out;
}
