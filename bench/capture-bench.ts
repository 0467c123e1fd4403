import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkDisk } from '../src/disk/chunker.ts';
import { closeSharedHashPool } from '../src/disk/hash-pool.ts';
import { RawReader } from '../src/disk/raw-reader.ts';
import { LocalBlobStore } from '../src/store/blob/local-blob-store.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** A 4 GiB sparse disk holding ~1.5 GiB of random data in 48 regions (as in the crash test). */
async function buildDisk(path: string, scale: number): Promise<void> {
  const fh = await open(path, 'w');
  const buf = Buffer.allocUnsafe(8 * MiB);
  try {
    await fh.truncate(4 * GiB * scale);
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

async function timeCapture(disk: string, blobDir: string, fsync: boolean): Promise<{ seconds: number; stored: number }> {
  const blobs = new LocalBlobStore(blobDir, fsync);
  await blobs.init();
  let stored = 0;
  const t = await secondsAsync(async () => {
    const reader = await RawReader.open(disk);
    try {
      stored = (await chunkDisk(reader, blobs, { chunkSize: 4 * MiB })).storedSize;
    } finally {
      await reader.close();
    }
  });
  await rm(blobDir, { recursive: true });
  return { seconds: t, stored };
}

async function secondsAsync(fn: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

export async function captureBench(): Promise<void> {
  const scale = Number(process.env.KILN_BENCH_SCALE ?? '1');
  const dir = await mkdtemp(join(tmpdir(), 'kiln-bench-capture-'));
  try {
    const disk = join(dir, 'disk.raw');
    await buildDisk(disk, scale);
    // Two fair pairs: Kiln with chunk fsync (its default: a committed image is durable)
    // against cp followed by sync, and Kiln without fsync against plain cp.
    const settle = () => execFileSync('sync');
    const rounds: { cp: number; cpSync: number; durable: number; cached: number; stored: number }[] = [];
    for (let i = 0; i < 3; i++) {
      settle();
      const copy = join(dir, `copy-${i}.raw`);
      const cp = seconds(() => execFileSync('cp', ['--sparse=always', disk, copy]));
      const cpSync = cp + seconds(settle);
      await rm(copy);
      settle();
      const durable = await timeCapture(disk, join(dir, `blobs-d${i}`), true);
      settle();
      const cached = await timeCapture(disk, join(dir, `blobs-c${i}`), false);
      rounds.push({ cp, cpSync, durable: durable.seconds, cached: cached.seconds, stored: durable.stored });
    }
    // Medians of three interleaved rounds: this machine's disk timings are noisy.
    const median = (pick: (r: (typeof rounds)[number]) => number) => rounds.map(pick).sort((a, b) => a - b)[1]!;
    const r = { cp: median((x) => x.cp), cpSync: median((x) => x.cpSync), durable: median((x) => x.durable), cached: median((x) => x.cached) };
    console.log(`\n## Capture of a ${(4 * scale).toFixed(2)} GiB sparse disk holding ${(rounds[0]!.stored / GiB).toFixed(2)} GiB of data (median of 3)`);
    console.log(`cp --sparse=always            ${r.cp.toFixed(2)} s`);
    console.log(`kiln capture, no fsync        ${r.cached.toFixed(2)} s   ratio ${(r.cached / r.cp).toFixed(2)}  (target <= 1.3)`);
    console.log(`cp --sparse=always; sync      ${r.cpSync.toFixed(2)} s`);
    console.log(`kiln capture, fsync (default) ${r.durable.toFixed(2)} s   ratio ${(r.durable / r.cpSync).toFixed(2)}`);
  } finally {
    await closeSharedHashPool();
    await rm(dir, { recursive: true, force: true });
  }
}
