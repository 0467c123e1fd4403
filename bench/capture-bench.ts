import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { ChunkWriter } from '../src/core/chunks/chunk-writer.ts';
import { chunkDisk } from '../src/disk/chunker.ts';
import { closeSharedHashPool } from '../src/disk/hash-pool.ts';
import { RawReader } from '../src/disk/raw-reader.ts';
import { openBlobStore } from '../src/store/blob/open-blob-store.ts';
import { openMetadataStore } from '../src/store/metadata/kysely-metadata-store.ts';
import { benchRounds, benchScale } from './bench-source.ts';
import type { BenchStack, BenchStacks } from './bench-stacks.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** A 4 GiB sparse disk holding ~1.5 GiB of random data in 48 regions (as in the crash test). */
export async function buildDisk(path: string, scale: number): Promise<void> {
  const fh = await open(path, 'w');
  const buf = Buffer.allocUnsafe(8 * MiB);
  try {
    await fh.truncate(Math.round(4 * GiB * scale));
    for (let region = 0; region < 48; region++) {
      const start = Math.floor((region * 4 * GiB * scale) / 48);
      for (let off = 0; off < 32 * MiB * scale; off += buf.length) {
        randomFillSync(buf);
        await fh.write(buf, 0, buf.length, start + off);
      }
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function seconds(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/**
 * The capture data path as a job runs it: the disk read where it holds data (its extent
 * map, as LocalComputeDriver.openDisk reads it), chunked and hashed, each chunk
 * recorded as pending in the metadata store and put into the blob store, then the
 * manifest committed. `env` selects the stack (and fsync).
 */
async function timeCapture(
  disk: string,
  dataDir: string,
  env: Record<string, string>,
  opts: { pageCache?: boolean } = {},
): Promise<{ seconds: number; chunked: number; stored: number; rss: number }> {
  const config = loadConfig({ ...process.env, KILN_DATA_DIR: dataDir, ...env });
  const store = await openMetadataStore(config.database);
  const blobs = await openBlobStore(config.blobs, { fsync: config.disk.fsync, directWrites: !opts.pageCache });
  let stored = 0;
  // Resident memory while capturing (this process runs the capture), sampled.
  let rss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
  }, 50);
  try {
    const start = process.hrtime.bigint();
    // When the chunks were all written (before the flush makes them durable): what is
    // left after it is the wait for the device.
    let chunked = 0;
    const t = await secondsAsync(async () => {
      const reader = await RawReader.open(disk);
      try {
        const owner = `bench:${Date.now()}`;
        const sink = new ChunkWriter(store, blobs, owner);
        const disk = await chunkDisk(reader, sink, { chunkSize: config.disk.chunkSize });
        chunked = Number(process.hrtime.bigint() - start) / 1e9;
        await sink.flush();
        stored = disk.storedSize;
        await store.chunks.clearPending(owner);
      } finally {
        await reader.close();
      }
    });
    return { seconds: t, chunked, stored, rss: rss / MiB };
  } finally {
    clearInterval(sampler);
    await store.close();
    await blobs.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function secondsAsync(fn: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

export async function captureBench(stacks: BenchStacks, which: BenchStack[]): Promise<void> {
  const scale = benchScale();
  const count = benchRounds();
  // --ab: each round also captures through the page cache (direct writes off, so chunks are
  // copied in the kernel and read back: the path before O_DIRECT), alternated.
  const ab = process.argv.includes('--ab');
  const dir = await mkdtemp(join(tmpdir(), 'kiln-bench-capture-'));
  try {
    const disk = join(dir, 'disk.raw');
    await buildDisk(disk, scale);
    // Two fair pairs on the embedded stack: Kiln with chunk fsync (its default: a
    // committed image is durable) against cp followed by sync, and Kiln without fsync
    // against plain cp. On PostgreSQL + S3 durability is the object store's.
    const settle = () => execFileSync('sync');
    const rounds: Round[] = [];
    for (let i = 0; i < count; i++) {
      settle();
      const copy = join(dir, `copy-${i}.raw`);
      const cp = seconds(() => execFileSync('cp', ['--sparse=always', disk, copy]));
      const cpSync = cp + seconds(settle);
      await rm(copy);
      settle();
      const durable = await timeCapture(disk, join(dir, `d${i}`), { KILN_BLOB_FSYNC: 'true' });
      let pageCache = NaN;
      if (ab) {
        settle();
        pageCache = (await timeCapture(disk, join(dir, `b${i}`), { KILN_BLOB_FSYNC: 'true' }, { pageCache: true })).seconds;
      }
      settle();
      const cached = await timeCapture(disk, join(dir, `c${i}`), { KILN_BLOB_FSYNC: 'false' });
      let s3 = NaN;
      if (which.includes('pg-s3')) {
        settle();
        s3 = (await timeCapture(disk, join(dir, `s${i}`), await stacks.env('pg-s3'))).seconds;
      }
      const round = {
        cp,
        cpSync,
        durable: durable.seconds,
        durableChunked: durable.chunked,
        pageCache,
        cached: cached.seconds,
        s3,
        stored: durable.stored,
        rss: Math.max(durable.rss, cached.rss),
      };
      rounds.push(round);
      console.log(
        `round ${i + 1}/${count}: fsync ${round.durable.toFixed(2)} s (chunks written at ${round.durableChunked.toFixed(2)} s) / cp; sync ${cpSync.toFixed(2)} s = ${(round.durable / cpSync).toFixed(2)}; ` +
          (ab ? `through the page cache, fsync ${pageCache.toFixed(2)} s = ${(pageCache / cpSync).toFixed(2)}; ` : '') +
          `no fsync ${round.cached.toFixed(2)} s / cp ${cp.toFixed(2)} s = ${(round.cached / cp).toFixed(2)}; load ${loadNow()}`,
      );
    }
    const stored = rounds[0]!.stored;
    const rate = (s: number) => `${(stored / MiB / s).toFixed(0)} MiB/s`;
    // Each round's ratio against its own peer run: the load moves both sides of a round
    // together, and varies more between rounds than the gap being measured.
    const cached = stat(rounds, (x) => x.cached);
    const durable = stat(rounds, (x) => x.durable);
    console.log(`\n## Capture of a ${(4 * scale).toFixed(2)} GiB sparse disk holding ${(stored / GiB).toFixed(2)} GiB of data (median of ${count} [min..max])`);
    console.log(`cp --sparse=always                          ${stat(rounds, (x) => x.cp).text} s`);
    console.log(`kiln capture, SQLite + dir, no fsync        ${cached.text} s  ${rate(cached.median)}`);
    console.log(`  ratio to cp, per round                    ${stat(rounds, (x) => x.cached / x.cp).text}`);
    console.log(`cp --sparse=always; sync                    ${stat(rounds, (x) => x.cpSync).text} s`);
    console.log(`kiln capture, SQLite + dir, fsync (default) ${durable.text} s  ${rate(durable.median)}`);
    console.log(`  chunks written (before the flush) at      ${stat(rounds, (x) => x.durableChunked).text} s`);
    console.log(`  ratio to cp; sync, per round              ${stat(rounds, (x) => x.durable / x.cpSync).text}`);
    if (ab) {
      console.log(`kiln capture, fsync, page cache (A/B)      ${stat(rounds, (x) => x.pageCache).text} s`);
      console.log(`  ratio to cp; sync, per round              ${stat(rounds, (x) => x.pageCache / x.cpSync).text}`);
      console.log(`  direct / page cache, per round            ${stat(rounds, (x) => x.durable / x.pageCache).text}`);
    }
    console.log(`peak RSS of the capturing process           ${Math.max(...rounds.map((x) => x.rss)).toFixed(0)} MiB`);
    if (which.includes('pg-s3')) {
      const s3 = stat(rounds, (x) => x.s3);
      console.log(`kiln capture, PostgreSQL + S3 (moto)        ${s3.text} s  ${rate(s3.median)}`);
      console.log(`  ratio to cp; sync, per round              ${stat(rounds, (x) => x.s3 / x.cpSync).text}`);
    }
    console.log(`load average at the end: ${loadNow()}`);
  } finally {
    await closeSharedHashPool();
    await rm(dir, { recursive: true, force: true });
  }
}

type Round = {
  cp: number;
  cpSync: number;
  durable: number;
  durableChunked: number;
  pageCache: number;
  cached: number;
  s3: number;
  stored: number;
  rss: number;
};

/** Median and [min..max] of one figure over the rounds (the upper median for an even count). */
function stat(rounds: Round[], pick: (r: Round) => number): { median: number; text: string } {
  const v = rounds.map(pick).sort((a, b) => a - b);
  const median = v[Math.floor(v.length / 2)]!;
  return { median, text: `${median.toFixed(2)} [${v[0]!.toFixed(2)}..${v.at(-1)!.toFixed(2)}]` };
}

function loadNow(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
