import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
export const QEMU_IMG = '/usr/bin/qemu-img';

/** The image formats the import and disk benchmarks compare, as qemu-img writes them. */
export interface BenchVariant {
  name: string;
  path: string;
  qemuFormat: string;
}

/**
 * A sparse disk of 4 GiB x scale holding ~1.5 GiB x scale of random (incompressible)
 * data in 48 regions, at offsets not aligned to 2 MiB so regions start and end
 * mid-cluster and mid-block.
 */
export async function buildSource(path: string, scale: number): Promise<void> {
  // Whole MiB: a raw image is whole sectors, and a small scale must not make it otherwise.
  const size = Math.max(1, Math.floor((4 * GiB * scale) / MiB)) * MiB;
  const regionBytes = Math.max(1, Math.floor((1.5 * GiB * scale) / 48 / MiB)) * MiB;
  const fh = await open(path, 'w');
  const buf = Buffer.allocUnsafe(8 * MiB);
  try {
    await fh.truncate(size);
    for (let region = 0; region < 48; region++) {
      const start = Math.floor((region * size) / 48) + 12345 * 512;
      // At a small scale the last regions would run past the end and grow the file.
      const bytes = Math.min(regionBytes, size - start);
      for (let off = 0; off < bytes; off += buf.length) {
        randomFillSync(buf);
        await fh.write(buf, 0, Math.min(buf.length, bytes - off), start + off);
      }
    }
  } finally {
    await fh.close();
  }
}

const CONVERTED: (Omit<BenchVariant, 'path'> & { file: string; opts: string[] })[] = [
  { name: 'qcow2', file: 'disk.qcow2', qemuFormat: 'qcow2', opts: [] },
  { name: 'vmdk monolithicSparse', file: 'sparse.vmdk', qemuFormat: 'vmdk', opts: ['-o', 'subformat=monolithicSparse'] },
  { name: 'vmdk streamOptimized', file: 'stream.vmdk', qemuFormat: 'vmdk', opts: ['-o', 'subformat=streamOptimized'] },
  { name: 'vhd dynamic', file: 'dynamic.vhd', qemuFormat: 'vpc', opts: ['-o', 'subformat=dynamic,force_size=on'] },
];

/** The source as raw plus each format qemu-img converts it to, written once into `dir`. */
export function writeVariants(src: string, dir: string): BenchVariant[] {
  for (const v of CONVERTED) execFileSync(QEMU_IMG, ['convert', '-f', 'raw', '-O', v.qemuFormat, ...v.opts, src, join(dir, v.file)]);
  return variantsIn(dir, src);
}

/** The variants writeVariants wrote into `dir`, the raw source first. */
export function variantsIn(dir: string, src = join(dir, 'source.raw')): BenchVariant[] {
  return [{ name: 'raw', path: src, qemuFormat: 'raw' }, ...CONVERTED.map((v) => ({ name: v.name, path: join(dir, v.file), qemuFormat: v.qemuFormat }))];
}

/**
 * Reads the whole file once so it sits in the page cache: both sides of a comparison
 * start from the same (warm) state, whatever ran before them.
 */
export function primeCache(path: string): void {
  execFileSync('dd', [`if=${path}`, 'of=/dev/null', 'bs=4M', 'status=none']);
}

export function benchScale(): number {
  const flag = process.argv.indexOf('--scale');
  const scale = Number(flag >= 0 ? process.argv[flag + 1] : (process.env.KILN_BENCH_SCALE ?? 1));
  if (!(scale > 0 && scale <= 1)) throw new Error('the scale (--scale or KILN_BENCH_SCALE) must be in (0, 1]');
  return scale;
}

export function benchRounds(): number {
  const flag = process.argv.indexOf('--rounds');
  const rounds = Number(flag >= 0 ? process.argv[flag + 1] : (process.env.KILN_BENCH_ROUNDS ?? 3));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('the rounds (--rounds or KILN_BENCH_ROUNDS) must be a positive integer');
  return rounds;
}
