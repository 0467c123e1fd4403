/**
 * Builders for disk-image test files: valid images in every supported format (made by
 * qemu-img, the oracle) and a corpus of hostile images that must be refused. The service
 * tests reuse `writeHostileImages` to push each one through the HTTP import API.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import type { DiskFormat, DiskReader } from '../../src/disk/disk-reader.ts';
import { vhdChecksum } from '../../src/disk/formats/vhd-structures.ts';
import { sha256File } from './disk-files.ts';

const run = promisify(execFile);

export const QEMU_IMG = '/usr/bin/qemu-img';
export const QEMU_IO = '/usr/bin/qemu-io';

/** The cap hostile images are checked against; the petabyte image exceeds any sane cap. */
export const HOSTILE_MAX_VIRTUAL_SIZE = 64 * 1024 ** 3;

export async function qemuImg(...args: string[]): Promise<string> {
  const { stdout } = await run(QEMU_IMG, args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export async function qemuIo(format: string, path: string, ...commands: string[]): Promise<void> {
  await run(QEMU_IO, ['-f', format, ...commands.flatMap((c) => ['-c', c]), path]);
}

export async function qemuVirtualSize(path: string, format: string): Promise<number> {
  const info = JSON.parse(await qemuImg('info', '--output=json', '-f', format, path)) as { 'virtual-size': number };
  return info['virtual-size'];
}

/** SHA-256 of `qemu-img convert -O raw`: the truth every reader is compared to. */
export async function qemuRawSha256(path: string, format: string, scratchDir: string): Promise<string> {
  const out = join(scratchDir, `oracle-${process.pid}-${Math.random().toString(36).slice(2)}.raw`);
  await qemuImg('convert', '-f', format, '-O', 'raw', path, out);
  try {
    return await sha256File(out);
  } finally {
    await rm(out, { force: true });
  }
}

export { sha256File };

/**
 * SHA-256 of the whole virtual disk as Kiln sees it: extents are read, everything else is
 * hashed as zeros. Also checks the extents are ascending, disjoint and inside the disk.
 */
export async function readerSha256(reader: DiskReader): Promise<string> {
  const h = createHash('sha256');
  const step = 1024 * 1024;
  const buf = Buffer.alloc(step);
  const zeros = Buffer.alloc(step);
  const hashZeros = (n: number) => {
    for (let left = n; left > 0; left -= step) h.update(zeros.subarray(0, Math.min(step, left)));
  };
  let pos = 0;
  for await (const e of reader.extents()) {
    if (e.offset < pos || e.length <= 0 || e.offset + e.length > reader.virtualSize) {
      throw new Error(`bad extent ${e.offset}+${e.length} after ${pos} in a ${reader.virtualSize}-byte disk`);
    }
    hashZeros(e.offset - pos);
    for (let off = e.offset; off < e.offset + e.length; off += step) {
      const n = Math.min(step, e.offset + e.length - off);
      await reader.read(buf, n, off);
      h.update(buf.subarray(0, n));
    }
    pos = e.offset + e.length;
  }
  hashZeros(reader.virtualSize - pos);
  return h.digest('hex');
}

/** Deterministic, incompressible bytes (xorshift32). */
export function patternBytes(seed: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const MiB = 1024 * 1024;

/** A source disk whose size is not a multiple of any cluster size. */
export const SOURCE_SIZE = 5 * MiB + 512;

/**
 * Writes the raw source disk: scattered incompressible and compressible regions, a write
 * across a cluster boundary, and data in the final partial cluster.
 */
export async function writeSourceRaw(path: string, size = SOURCE_SIZE): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.truncate(size);
    const writes: [number, Buffer][] = [
      [0, patternBytes(1, 64 * 1024)],
      [MiB - 512, patternBytes(2, 4096)],
      [2 * MiB, patternBytes(3, 512 * 1024)],
      [3 * MiB + 100, Buffer.alloc(300 * 1024, 0x5a)],
      [4 * MiB + 4096, patternBytes(4, 8192)],
      [size - 512, patternBytes(5, 512)],
    ];
    for (const [at, data] of writes) if (at + data.length <= size) await fh.write(data, 0, data.length, at);
  } finally {
    await fh.close();
  }
}

export interface OracleImage {
  name: string;
  path: string;
  format: DiskFormat;
  /** The format name qemu-img knows it by. */
  qemuFormat: string;
}

/** Valid images in every format and variant, all made from the same source by qemu-img. */
export async function writeOracleImages(dir: string): Promise<OracleImage[]> {
  const src = join(dir, 'source.raw');
  await writeSourceRaw(src);
  const out: OracleImage[] = [{ name: 'raw', path: src, format: 'raw', qemuFormat: 'raw' }];
  const convert = async (name: string, format: DiskFormat, qemuFormat: string, args: string[]) => {
    const path = join(dir, name);
    await qemuImg('convert', '-f', 'raw', '-O', qemuFormat, ...args, src, path);
    out.push({ name, path, format, qemuFormat });
    return path;
  };
  await convert('v2.qcow2', 'qcow2', 'qcow2', ['-o', 'compat=0.10']);
  await convert('v3.qcow2', 'qcow2', 'qcow2', ['-o', 'compat=1.1']);
  await convert('v3-4k-clusters.qcow2', 'qcow2', 'qcow2', ['-o', 'cluster_size=4096']);
  await convert('v3-512-clusters.qcow2', 'qcow2', 'qcow2', ['-o', 'cluster_size=512']);
  await convert('v3-2m-clusters.qcow2', 'qcow2', 'qcow2', ['-o', 'cluster_size=2M']);
  await convert('v2-compressed.qcow2', 'qcow2', 'qcow2', ['-c', '-o', 'compat=0.10']);
  await convert('v3-compressed-4k.qcow2', 'qcow2', 'qcow2', ['-c', '-o', 'cluster_size=4096']);
  const zeros = await convert('v3-zero-clusters.qcow2', 'qcow2', 'qcow2', ['-o', 'compat=1.1']);
  // Zero-flag clusters over data (allocated, flagged zero) and unmapped zero clusters.
  await qemuIo('qcow2', zeros, 'write -z 2M 128k', 'write -z -u 0 64k', 'write -P 0x77 4M 64k');
  await convert('v3-prealloc-metadata.qcow2', 'qcow2', 'qcow2', ['-o', 'preallocation=metadata']);
  await convert('sparse.vmdk', 'vmdk', 'vmdk', ['-o', 'subformat=monolithicSparse']);
  const stream = await convert('stream.vmdk', 'vmdk', 'vmdk', ['-o', 'subformat=streamOptimized']);
  const atEnd = join(dir, 'stream-gd-at-end.vmdk');
  await writeFile(atEnd, await moveGrainDirectoryToFooter(await readFile(stream)));
  out.push({ name: 'stream-gd-at-end.vmdk', path: atEnd, format: 'vmdk', qemuFormat: 'vmdk' });
  await convert('dynamic.vhd', 'vhd', 'vpc', ['-o', 'subformat=dynamic']);
  await convert('dynamic-force-size.vhd', 'vhd', 'vpc', ['-o', 'subformat=dynamic,force_size=on']);
  await convert('fixed.vhd', 'vhd', 'vpc', ['-o', 'subformat=fixed']);
  await convert('fixed-force-size.vhd', 'vhd', 'vpc', ['-o', 'subformat=fixed,force_size=on']);
  return out;
}

/**
 * Turns a qemu-made streamOptimized VMDK (grain directory offset in the header) into the
 * VMware layout: header says GD_AT_END and a footer before the end-of-stream marker holds
 * the real offset.
 */
export async function moveGrainDirectoryToFooter(image: Buffer): Promise<Buffer> {
  const header = Buffer.from(image.subarray(0, 512));
  const padded = Buffer.alloc(Math.ceil(image.length / 512) * 512);
  image.copy(padded);
  padded.writeBigUInt64LE(0xffffffffffffffffn, 56);
  const footerMarker = Buffer.alloc(512);
  footerMarker.writeBigUInt64LE(1n, 0);
  footerMarker.writeUInt32LE(0, 8);
  footerMarker.writeUInt32LE(3, 12);
  const eos = Buffer.alloc(512);
  return Buffer.concat([padded, footerMarker, header, eos]);
}

export interface HostileImage {
  name: string;
  path: string;
  claimedFormat: DiskFormat;
  /** A fragment the DiskFormatError message must contain. */
  expectedReasonIncludes: string;
}

async function patch(path: string, at: number, bytes: Buffer): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.write(bytes, 0, bytes.length, at);
  } finally {
    await fh.close();
  }
}

function u64be(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** Offsets of a qcow2's L1 table and the first L2 table, read from its header. */
async function qcow2Layout(path: string): Promise<{ l1: number; l2: number; refTable: number; clusterSize: number }> {
  const buf = await readFile(path);
  const l1 = Number(buf.readBigUInt64BE(40));
  const l2 = Number(buf.readBigUInt64BE(l1) & 0x00fffffffffffe00n);
  return { l1, l2, refTable: Number(buf.readBigUInt64BE(48)), clusterSize: 2 ** buf.readUInt32BE(20) };
}

/** Rewrites a VHD footer field and fixes its checksum, so only the field's meaning is wrong. */
function rewriteVhdFooter(footer: Buffer, edit: (f: Buffer) => void): Buffer {
  const f = Buffer.from(footer);
  edit(f);
  f.writeUInt32BE(vhdChecksum(f, 64), 64);
  return f;
}

/** Replaces a monolithicSparse VMDK's embedded descriptor text (padded with NULs). */
async function rewriteVmdkDescriptor(path: string, edit: (text: string) => string): Promise<void> {
  const buf = await readFile(path);
  const at = Number(buf.readBigUInt64LE(28)) * 512;
  const size = Number(buf.readBigUInt64LE(36)) * 512;
  const text = buf
    .subarray(at, at + size)
    .toString('latin1')
    .replace(/\0+$/, '');
  const next = Buffer.alloc(size);
  next.write(edit(text), 'latin1');
  await patch(path, at, next);
}

const VMDK_FLAT_DESCRIPTOR = `# Disk DescriptorFile
version=1
CID=fffffffe
parentCID=ffffffff
createType="monolithicFlat"

# Extent description
RW 2048 FLAT "/etc/passwd" 0

# The Disk Data Base
#DDB
ddb.virtualHWVersion = "4"
`;

const VMDK_SPLIT_DESCRIPTOR = `# Disk DescriptorFile
version=1
CID=fffffffe
parentCID=ffffffff
createType="twoGbMaxExtentSparse"

# Extent description
RW 4192256 SPARSE "disk-s001.vmdk"
RW 4192256 SPARSE "disk-s002.vmdk"
`;

/**
 * Writes every hostile image into `dir`. Each must be refused by openDisk (or while reading
 * its extents) with a DiskFormatError containing `expectedReasonIncludes`, using
 * HOSTILE_MAX_VIRTUAL_SIZE (or any cap below a petabyte) as the size limit.
 */
export async function writeHostileImages(dir: string): Promise<HostileImage[]> {
  const out: HostileImage[] = [];
  const add = (name: string, claimedFormat: DiskFormat, expectedReasonIncludes: string) => {
    const path = join(dir, name);
    out.push({ name, path, claimedFormat, expectedReasonIncludes });
    return path;
  };
  const src = join(dir, 'hostile-source.raw');
  await writeSourceRaw(src, 2 * MiB);
  const convert = async (path: string, qemuFormat: string, ...args: string[]) => {
    await qemuImg('convert', '-f', 'raw', '-O', qemuFormat, ...args, src, path);
  };

  // --- qcow2 ---
  await qemuImg('create', '-f', 'qcow2', '-b', '/etc/passwd', '-F', 'raw', add('qcow2-backing-etc-passwd.qcow2', 'qcow2', 'backing file'), '1M');
  await qemuImg(
    'create',
    '-f',
    'qcow2',
    '-o',
    `data_file=${join(dir, 'qcow2-data-file.bin')}`,
    add('qcow2-external-data-file.qcow2', 'qcow2', 'external data file'),
    '1M',
  );
  // Legacy AES encryption; creating a real LUKS-encrypted qcow2 takes seconds of key stretching.
  const encrypted = add('qcow2-aes-encrypted.qcow2', 'qcow2', 'encrypted');
  await convert(encrypted, 'qcow2');
  await patch(encrypted, 32, u32be(1));
  await qemuImg('create', '-f', 'qcow2', add('qcow2-petabyte.qcow2', 'qcow2', 'exceeds the limit'), '1P');
  await qemuImg('create', '-f', 'qcow', add('qcow-v1.qcow2', 'qcow2', 'qcow version 1'), '1M');
  try {
    await qemuImg('create', '-f', 'qcow2', '-o', 'compression_type=zstd', join(dir, 'qcow2-zstd.qcow2'), '1M');
    out.push({ name: 'qcow2-zstd.qcow2', path: join(dir, 'qcow2-zstd.qcow2'), claimedFormat: 'qcow2', expectedReasonIncludes: 'zstd' });
  } catch {
    // qemu built without zstd: nothing to add.
  }

  const l2Past = add('qcow2-l2-entry-past-eof.qcow2', 'qcow2', 'past the end of the file');
  await convert(l2Past, 'qcow2');
  const lay = await qcow2Layout(l2Past);
  await patch(l2Past, lay.l2, u64be((1n << 63n) | (1n << 40n)));

  const l1Past = add('qcow2-l1-entry-past-eof.qcow2', 'qcow2', 'past the end of the file');
  await convert(l1Past, 'qcow2');
  await patch(l1Past, (await qcow2Layout(l1Past)).l1, u64be((1n << 63n) | (1n << 40n)));

  const overlap = add('qcow2-data-overlaps-l1.qcow2', 'qcow2', 'overlaps');
  await convert(overlap, 'qcow2');
  const ol = await qcow2Layout(overlap);
  await patch(overlap, ol.l2, u64be((1n << 63n) | BigInt(ol.l1)));

  const l1Table = add('qcow2-l1-table-past-eof.qcow2', 'qcow2', 'past the end of the file');
  await convert(l1Table, 'qcow2');
  await patch(l1Table, 40, u64be(1n << 40n));

  const clusterBits = add('qcow2-cluster-bits-30.qcow2', 'qcow2', 'cluster_bits');
  await convert(clusterBits, 'qcow2');
  await patch(clusterBits, 20, u32be(30));

  const unknownFeature = add('qcow2-unknown-incompatible-feature.qcow2', 'qcow2', 'unknown incompatible features');
  await convert(unknownFeature, 'qcow2');
  await patch(unknownFeature, 72, u64be(1n << 40n));

  const truncatedQcow2 = add('qcow2-truncated.qcow2', 'qcow2', 'truncated');
  await convert(truncatedQcow2, 'qcow2');
  await truncate(truncatedQcow2, (await stat(truncatedQcow2)).size - 64 * 1024 - 1000);

  const l1Small = add('qcow2-l1-size-too-small.qcow2', 'qcow2', 'L1 table has 0 entries');
  await convert(l1Small, 'qcow2');
  await patch(l1Small, 36, u32be(0));

  const refPast = add('qcow2-refcount-table-past-eof.qcow2', 'qcow2', 'refcount table at byte offset');
  await convert(refPast, 'qcow2');
  await patch(refPast, 48, u64be(1n << 40n));

  // A compressed cluster whose deflate stream inflates to far more than one cluster.
  const bomb = add('qcow2-compressed-cluster-bomb.qcow2', 'qcow2', 'could not be decompressed');
  await convert(bomb, 'qcow2', '-c');
  {
    const b = await readFile(bomb);
    const { l2 } = await qcow2Layout(bomb);
    const entry = b.readBigUInt64BE(l2);
    const x = 62n - BigInt(16 - 8); // 64 KiB clusters
    const host = Number(entry & ((1n << x) - 1n));
    const payload = deflateRawSync(Buffer.alloc(16 * MiB));
    const sectors = BigInt(Math.ceil((payload.length + (host % 512)) / 512) - 1);
    await patch(bomb, host, payload);
    await patch(bomb, l2, u64be((1n << 62n) | (sectors << x) | BigInt(host)));
  }

  await writeFile(add('raw-claimed-as-qcow2.img', 'qcow2', 'image claimed as qcow2 but its content is raw'), patternBytes(9, 64 * 1024));
  await convert(add('qcow2-claimed-as-vmdk.qcow2', 'vmdk', 'image claimed as vmdk but its content is qcow2'), 'qcow2');

  // --- VMDK ---
  await writeFile(add('vmdk-descriptor-flat-etc-passwd.vmdk', 'vmdk', 'descriptor files'), VMDK_FLAT_DESCRIPTOR);
  await writeFile(add('vmdk-descriptor-two-gb-split.vmdk', 'vmdk', 'twoGbMaxExtentSparse'), VMDK_SPLIT_DESCRIPTOR);

  const embeddedFlat = add('vmdk-embedded-flat-extent.vmdk', 'vmdk', 'FLAT extent');
  await convert(embeddedFlat, 'vmdk', '-o', 'subformat=monolithicSparse');
  await rewriteVmdkDescriptor(embeddedFlat, (t) => t.replace(/^RW (\d+) SPARSE "[^"]*"/m, 'RW $1 FLAT "/etc/passwd" 0'));

  const embeddedVmfs = add('vmdk-embedded-create-type-vmfs.vmdk', 'vmdk', 'create type "vmfs"');
  await convert(embeddedVmfs, 'vmdk', '-o', 'subformat=monolithicSparse');
  await rewriteVmdkDescriptor(embeddedVmfs, (t) => t.replace(/createType="[^"]*"/, 'createType="vmfs"'));

  const twoExtents = add('vmdk-embedded-two-extents.vmdk', 'vmdk', '2 extents');
  await convert(twoExtents, 'vmdk', '-o', 'subformat=monolithicSparse');
  await rewriteVmdkDescriptor(twoExtents, (t) => t.replace(/^(RW \d+ SPARSE "[^"]*")$/m, '$1\nRW 2048 SPARSE "other.vmdk"'));

  const parent = add('vmdk-embedded-parent-hint.vmdk', 'vmdk', 'parent');
  await convert(parent, 'vmdk', '-o', 'subformat=monolithicSparse');
  await rewriteVmdkDescriptor(parent, (t) => t.replace(/parentCID=ffffffff/, 'parentCID=12345678\nparentFileNameHint="/etc/passwd"'));

  const slashExtent = add('vmdk-embedded-extent-path.vmdk', 'vmdk', 'other than this file');
  await convert(slashExtent, 'vmdk', '-o', 'subformat=monolithicSparse');
  await rewriteVmdkDescriptor(slashExtent, (t) => t.replace(/^RW (\d+) SPARSE "[^"]*"/m, 'RW $1 SPARSE "/etc/passwd"'));

  const gtPast = add('vmdk-grain-table-past-eof.vmdk', 'vmdk', 'past the end of the file');
  await convert(gtPast, 'vmdk', '-o', 'subformat=monolithicSparse');
  const gtBuf = await readFile(gtPast);
  await patch(gtPast, Number(gtBuf.readBigUInt64LE(56)) * 512, u32le(0x7ffffff0));

  const vmdkCap = add('vmdk-huge-capacity.vmdk', 'vmdk', 'exceeds the limit');
  await convert(vmdkCap, 'vmdk', '-o', 'subformat=monolithicSparse');
  const capBuf = Buffer.alloc(8);
  capBuf.writeBigUInt64LE(1n << 41n); // 1 PiB in sectors
  await patch(vmdkCap, 12, capBuf);

  const truncatedSparse = add('vmdk-sparse-truncated.vmdk', 'vmdk', 'truncated');
  await convert(truncatedSparse, 'vmdk', '-o', 'subformat=monolithicSparse');
  await truncate(truncatedSparse, (await stat(truncatedSparse)).size - 100 * 1024);

  const streamTmp = join(dir, 'stream-tmp.vmdk');
  await convert(streamTmp, 'vmdk', '-o', 'subformat=streamOptimized');
  const atEnd = await moveGrainDirectoryToFooter(await readFile(streamTmp));
  await writeFile(add('vmdk-stream-footer-cut.vmdk', 'vmdk', 'footer'), atEnd.subarray(0, atEnd.length - 1024));
  await rm(streamTmp, { force: true });

  // --- VHD ---
  const diff = add('vhd-differencing.vhd', 'vhd', 'VHD differencing disks are not supported');
  await convert(diff, 'vpc', '-o', 'subformat=dynamic');
  {
    const buf = await readFile(diff);
    const footer = rewriteVhdFooter(buf.subarray(buf.length - 512), (f) => f.writeUInt32BE(4, 60));
    await patch(diff, 0, footer);
    await patch(diff, buf.length - 512, footer);
  }

  const flipped = add('vhd-footer-bit-flip.vhd', 'vhd', 'checksum');
  await convert(flipped, 'vpc', '-o', 'subformat=dynamic');
  {
    const size = (await stat(flipped)).size;
    const buf = await readFile(flipped);
    await patch(flipped, size - 512 + 50, Buffer.from([(buf[size - 512 + 50] ?? 0) ^ 0x10]));
  }

  const dynFlip = add('vhd-dynamic-header-bit-flip.vhd', 'vhd', 'dynamic header checksum');
  await convert(dynFlip, 'vpc', '-o', 'subformat=dynamic');
  {
    const buf = await readFile(dynFlip);
    await patch(dynFlip, 512 + 32, Buffer.from([(buf[512 + 32] ?? 0) ^ 0x01]));
  }

  const batPast = add('vhd-bat-entry-past-eof.vhd', 'vhd', 'past the end of the file');
  await convert(batPast, 'vpc', '-o', 'subformat=dynamic');
  {
    const buf = await readFile(batPast);
    const bat = Number(buf.readBigUInt64BE(512 + 16));
    await patch(batPast, bat, u32be(0x7ffffff0));
  }

  const tinyBlocks = add('vhd-tiny-blocks-huge-bat.vhd', 'vhd', 'too large');
  await qemuImg('create', '-f', 'vpc', '-o', 'subformat=dynamic,force_size=on', tinyBlocks, '32G');
  {
    const buf = await readFile(tinyBlocks);
    const header = Buffer.from(buf.subarray(512, 1536));
    header.writeUInt32BE(512, 32); // 512-byte blocks: 64 Mi BAT entries for 32 GiB
    header.writeUInt32BE(0xffffffff, 28);
    header.writeUInt32BE(vhdChecksum(header, 36), 36);
    await patch(tinyBlocks, 512, header);
  }

  const vhdTrunc = add('vhd-dynamic-truncated.vhd', 'vhd', 'truncated');
  await convert(vhdTrunc, 'vpc', '-o', 'subformat=dynamic');
  await truncate(vhdTrunc, (await stat(vhdTrunc)).size - 300 * 1024);

  const fixedTrunc = add('vhd-fixed-huge-size.vhd', 'vhd', 'truncated');
  await convert(fixedTrunc, 'vpc', '-o', 'subformat=fixed');
  {
    const size = (await stat(fixedTrunc)).size;
    const buf = await readFile(fixedTrunc);
    const footer = rewriteVhdFooter(buf.subarray(size - 512), (f) => f.writeBigUInt64BE(BigInt(size) * 4n, 48));
    await patch(fixedTrunc, size - 512, footer);
  }

  // --- formats refused by name ---
  await qemuImg('create', '-f', 'vhdx', add('vhdx.vhdx', 'vhd', 'VHDX'), '1M');
  await qemuImg('create', '-f', 'qed', add('qed.qed', 'qcow2', 'QED'), '1M');
  await qemuImg('create', '-f', 'vdi', add('virtualbox.vdi', 'raw', 'VDI'), '1M');
  // A LUKS1 header start (magic, version, cipher); the refusal must come from the magic alone.
  const luks = Buffer.alloc(4096);
  luks.write('LUKS\xba\xbe\x00\x01aes', 0, 'latin1');
  await writeFile(add('luks.img', 'raw', 'LUKS'), luks);
  const iso = Buffer.alloc(0x9000);
  iso.write('\x01CD001\x01', 0x8000, 'latin1');
  await writeFile(add('cdrom.iso', 'raw', 'ISO 9660'), iso);
  return out;
}
