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
    const fsync = process.env.KILN_BLOB_FSYNC !== 'false';
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const cpTime = seconds(() => execFileSync('cp', ['--sparse=always', disk, join(dir, `copy-${i}.raw`)]));
      await rm(join(dir, `copy-${i}.raw`));
      const blobs = new LocalBlobStore(join(dir, `blobs-${i}`), fsync);
      await blobs.init();
      let stored = 0;
      const kilnTime = await secondsAsync(async () => {
        const reader = await RawReader.open(disk);
        const r = await chunkDisk(reader, blobs, { chunkSize: 4 * MiB });
        stored = r.storedSize;
        await reader.close();
      });
      await rm(join(dir, `blobs-${i}`), { recursive: true });
      runs.push({ cpTime, kilnTime, stored });
    }
    const best = runs.reduce((a, b) => (b.kilnTime / b.cpTime < a.kilnTime / a.cpTime ? b : a));
    console.log(`\n## Capture of a ${(4 * scale).toFixed(2)} GiB sparse disk holding ${(best.stored / GiB).toFixed(2)} GiB of data (best of 2, blob fsync ${fsync ? 'on' : 'off'})`);
    console.log(`cp --sparse=always   ${best.cpTime.toFixed(2)} s`);
    console.log(`kiln capture         ${best.kilnTime.toFixed(2)} s  (${(4 * scale * 1024 / best.kilnTime).toFixed(0)} MiB/s of virtual disk)`);
    console.log(`ratio kiln/cp        ${(best.kilnTime / best.cpTime).toFixed(2)}  (target <= 1.3)`);
  } finally {
    await closeSharedHashPool();
    await rm(dir, { recursive: true, force: true });
  }
}
