/**
 * Disk-engine benchmark: Kiln's format readers against `qemu-img convert -O raw`.
 *
 *   node --import tsx bench/disk.ts              # 4 GiB virtual disk, ~1.5 GiB of data
 *   KILN_BENCH_SCALE=0.25 node --import tsx bench/disk.ts
 *
 * Each measurement runs in a child process so its peak RSS is its own, not the parent's.
 * All files are page-cache warm (they were just written); qemu-img also writes its output,
 * which Kiln's "read" does not, so compare "read" with care and "pipeline" as the real job.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDisk } from '../src/disk/open-disk.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const QEMU_IMG = '/usr/bin/qemu-img';
const READ_BUFFER = 4 * MiB;
const CHUNK_SIZE = 4 * MiB;

interface ChildResult {
  seconds: number;
  maxRssMiB: number;
  bytes: number;
}

/** 48 scattered regions of random (incompressible) data in a sparse 4 GiB file. */
async function buildSource(path: string, scale: number): Promise<void> {
  const size = Math.floor(4 * GiB * scale);
  const regionBytes = Math.floor((1.5 * GiB * scale) / 48 / MiB) * MiB;
  const fh = await open(path, 'w');
  const buf = Buffer.allocUnsafe(8 * MiB);
  try {
    await fh.truncate(size);
    for (let region = 0; region < 48; region++) {
      // Offsets not aligned to 2 MiB, so regions start and end mid-cluster and mid-block.
      const start = Math.floor((region * size) / 48) + 12345 * 512;
      for (let off = 0; off < regionBytes; off += buf.length) {
        randomFillSync(buf);
        await fh.write(buf, 0, Math.min(buf.length, regionBytes - off), start + off);
      }
    }
  } finally {
    await fh.close();
  }
}

function timeQemu(src: string, fmt: string, dst: string): number {
  const t = process.hrtime.bigint();
  execFileSync(QEMU_IMG, ['convert', '-f', fmt, '-O', 'raw', src, dst]);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function runChild(mode: 'read' | 'pipeline', path: string, scratch: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, path, scratch], { encoding: 'utf8', maxBuffer: 16 * MiB });
  if (r.status !== 0) throw new Error(`child ${mode} ${path} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}

/** Child: open, walk extents, read each into one reused 4 MiB buffer. */
async function childRead(path: string): Promise<ChildResult> {
  const t = process.hrtime.bigint();
  const reader = await openDisk(path, { maxVirtualSize: 8 * GiB });
  const buf = Buffer.allocUnsafe(READ_BUFFER);
  let bytes = 0;
  try {
    for await (const e of reader.extents()) {
      for (let off = e.offset; off < e.offset + e.length; off += READ_BUFFER) {
        const n = Math.min(READ_BUFFER, e.offset + e.length - off);
        await reader.read(buf, n, off);
        bytes += n;
      }
    }
  } finally {
    await reader.close();
  }
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes };
}

/** Child: the full chunk pipeline (extents -> chunks -> zero detection -> SHA-256 -> sink). */
async function childPipeline(path: string, scratch: string): Promise<ChildResult> {
  const chunkerPath = join(dirname(fileURLToPath(import.meta.url)), '../src/disk/chunker.ts');
  if (!existsSync(chunkerPath)) throw new Error('src/disk/chunker.ts is not there yet');
  // Imported lazily so the read benchmark works while the chunker is still being written.
  const { chunkDisk } = (await import('../src/disk/chunker.ts')) as typeof import('../src/disk/chunker.ts');
  const { closeSharedHashPool } = (await import('../src/disk/hash-pool.ts')) as typeof import('../src/disk/hash-pool.ts');
  const outDir = join(scratch, `chunks-${process.pid}`);
  await mkdir(outDir, { recursive: true });
  // A local-directory sink: one file per chunk, named by its hash.
  const sink = {
    async putIfAbsent(key: string, data: Buffer): Promise<void> {
      const file = join(outDir, key);
      if (!existsSync(file)) await writeFile(file, data);
    },
  };
  const t = process.hrtime.bigint();
  const reader = await openDisk(path, { maxVirtualSize: 8 * GiB });
  let bytes = 0;
  try {
    const res = await chunkDisk(reader, sink, { chunkSize: CHUNK_SIZE });
    bytes = res.chunks.filter((c) => c !== null).length * CHUNK_SIZE;
  } finally {
    await reader.close();
    await closeSharedHashPool();
  }
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  await rm(outDir, { recursive: true, force: true });
  return { seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const [, mode, path, scratch] = args;
    const r = mode === 'pipeline' ? await childPipeline(path!, scratch!) : await childRead(path!);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }

  const scale = Number(process.env.KILN_BENCH_SCALE ?? 1);
  if (!(scale > 0 && scale <= 1)) throw new Error('KILN_BENCH_SCALE must be in (0, 1]');
  const dir = await mkdtemp(join(tmpdir(), 'kiln-bench-disk-'));
  try {
    const src = join(dir, 'source.raw');
    console.log(`building a ${(4 * scale).toFixed(2)} GiB virtual disk with ~${(1.5 * scale).toFixed(2)} GiB of data in ${dir}`);
    await buildSource(src, scale);
    const variants: { name: string; path: string; qemuFormat: string; opts: string[] }[] = [
      { name: 'raw', path: src, qemuFormat: 'raw', opts: [] },
      { name: 'qcow2', path: join(dir, 'disk.qcow2'), qemuFormat: 'qcow2', opts: [] },
      { name: 'vmdk monolithicSparse', path: join(dir, 'sparse.vmdk'), qemuFormat: 'vmdk', opts: ['-o', 'subformat=monolithicSparse'] },
      { name: 'vmdk streamOptimized', path: join(dir, 'stream.vmdk'), qemuFormat: 'vmdk', opts: ['-o', 'subformat=streamOptimized'] },
      { name: 'vhd dynamic', path: join(dir, 'dynamic.vhd'), qemuFormat: 'vpc', opts: ['-o', 'subformat=dynamic,force_size=on'] },
    ];
    for (const v of variants) {
      if (v.path === src) continue;
      execFileSync(QEMU_IMG, ['convert', '-f', 'raw', '-O', v.qemuFormat, ...v.opts, src, v.path]);
    }
    const hasChunker = existsSync(join(dirname(fileURLToPath(import.meta.url)), '../src/disk/chunker.ts'));
    const rows: string[][] = [];
    for (const v of variants) {
      const dst = join(dir, 'qemu-out.raw');
      const qemu = timeQemu(v.path, v.qemuFormat, dst);
      await rm(dst, { force: true });
      const read = runChild('read', v.path, dir);
      // PIPELINE: the chunk pipeline of src/disk/chunker.ts, timed when that file exists.
      const pipe = hasChunker ? runChild('pipeline', v.path, dir) : null;
      const fileMiB = (await stat(v.path)).size / MiB;
      rows.push([
        v.name,
        fileMiB.toFixed(0),
        qemu.toFixed(2),
        read.seconds.toFixed(2),
        (read.seconds / qemu).toFixed(2),
        read.maxRssMiB.toFixed(0),
        pipe ? pipe.seconds.toFixed(2) : 'n/a',
        pipe ? (pipe.seconds / qemu).toFixed(2) : 'n/a',
        pipe ? pipe.maxRssMiB.toFixed(0) : 'n/a',
      ]);
      console.log(`  ${v.name}: done`);
    }
    printTable(
      ['format', 'file MiB', 'qemu-img s', 'Kiln read s', 'read/qemu', 'read RSS MiB', 'pipeline s', 'pipeline/qemu', 'pipeline RSS MiB'],
      rows,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

await main();
