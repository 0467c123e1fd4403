/**
 * Disk-engine benchmark: Kiln's format readers against `qemu-img convert -O raw`.
 *
 *   node --import tsx bench/disk.ts              # 4 GiB virtual disk, ~1.5 GiB of data, 3 rounds
 *   KILN_BENCH_SCALE=0.25 KILN_BENCH_ROUNDS=5 node --import tsx bench/disk.ts   # or --scale / --rounds
 *
 * Rounds are interleaved (every format and side once per round), and the image file is
 * read into the page cache just before each side runs, so qemu-img and Kiln always start
 * warm: the ratio means the same thing every run. It prints min/median/max per side.
 * Each Kiln measurement runs in a child process so its peak RSS is its own, not the
 * parent's. qemu-img also writes its output, which Kiln's "read" does not, so compare
 * "read" with care and "pipeline" as the real job.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDisk } from '../src/disk/open-disk.ts';
import { QEMU_IMG, benchRounds, benchScale, buildSource, primeCache, writeVariants } from './bench-source.ts';
import { printTable, showSpread, spreadOf } from './bench-stats.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const READ_BUFFER = 4 * MiB;
const CHUNK_SIZE = 4 * MiB;

interface ChildResult {
  seconds: number;
  maxRssMiB: number;
  bytes: number;
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

  const scale = benchScale();
  const rounds = benchRounds();
  const dir = await mkdtemp(join(tmpdir(), 'kiln-bench-disk-'));
  try {
    const src = join(dir, 'source.raw');
    console.log(`building a ${(4 * scale).toFixed(2)} GiB virtual disk with ~${(1.5 * scale).toFixed(2)} GiB of data in ${dir}`);
    await buildSource(src, scale);
    const variants = writeVariants(src, dir);
    const hasChunker = existsSync(join(dirname(fileURLToPath(import.meta.url)), '../src/disk/chunker.ts'));
    type Times = { qemu: number[]; read: number[]; pipe: number[]; readRss: number; pipeRss: number };
    const times = new Map<string, Times>(variants.map((v) => [v.name, { qemu: [], read: [], pipe: [], readRss: 0, pipeRss: 0 }]));
    for (let round = 1; round <= rounds; round++) {
      for (const v of variants) {
        const t = times.get(v.name)!;
        const dst = join(dir, 'qemu-out.raw');
        primeCache(v.path);
        t.qemu.push(timeQemu(v.path, v.qemuFormat, dst));
        await rm(dst, { force: true });
        primeCache(v.path);
        const read = runChild('read', v.path, dir);
        t.read.push(read.seconds);
        t.readRss = Math.max(t.readRss, read.maxRssMiB);
        // PIPELINE: the chunk pipeline of src/disk/chunker.ts, timed when that file exists.
        if (hasChunker) {
          primeCache(v.path);
          const pipe = runChild('pipeline', v.path, dir);
          t.pipe.push(pipe.seconds);
          t.pipeRss = Math.max(t.pipeRss, pipe.maxRssMiB);
        }
        console.log(`  round ${round} ${v.name}: done`);
      }
    }
    console.log(`\n## Disk engine against qemu-img convert -O raw, all page-cache warm (${rounds} interleaved rounds; median [min..max] s; ratios of medians)`);
    const rows: string[][] = [];
    for (const v of variants) {
      const t = times.get(v.name)!;
      const qemu = spreadOf(t.qemu);
      const read = spreadOf(t.read);
      const pipe = spreadOf(t.pipe);
      rows.push([
        v.name,
        ((await stat(v.path)).size / MiB).toFixed(0),
        showSpread(qemu),
        showSpread(read),
        (read.median / qemu.median).toFixed(2),
        t.readRss.toFixed(0),
        hasChunker ? showSpread(pipe) : 'n/a',
        hasChunker ? (pipe.median / qemu.median).toFixed(2) : 'n/a',
        hasChunker ? t.pipeRss.toFixed(0) : 'n/a',
      ]);
    }
    printTable(['format', 'file MiB', 'qemu-img s', 'Kiln read s', 'read/qemu', 'read RSS MiB', 'pipeline s', 'pipeline/qemu', 'pipeline RSS MiB'], rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
