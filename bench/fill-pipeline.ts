/**
 * The image cache's fill alone (what a cache miss spends its time on): writeManifest of
 * the capture benchmark's image from a local blob store (chunks in the page cache, as
 * after an import) into a fresh sparse file, synced, against `cp --sparse=always; sync`
 * of the same raw disk, in interleaved rounds (order swapped each round), with no API,
 * jobs or metadata store, so `node --cpu-prof` or `strace -c -f` shows only this path.
 * Prints each side's median [min..max], the median of the per-round ratios and the load.
 *
 *   node --import tsx bench/fill-pipeline.ts DIR [--scale S] [--rounds N]
 *
 * DIR keeps disk.raw and its chunks between runs; built if missing. From a local blob
 * store the fill is the kernel's copy of the chunk files (BlobStore.copyInto); chunks kept
 * from a run before chunk files were stored sparse are copied zeros and all: remove
 * DIR/blobs to store them again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeManifest } from '../src/compute/write-manifest.ts';
import type { Manifest } from '../src/core/model.ts';
import { chunkDisk } from '../src/disk/chunker.ts';
import { closeSharedHashPool } from '../src/disk/hash-pool.ts';
import { RawReader } from '../src/disk/raw-reader.ts';
import { LocalBlobStore } from '../src/store/blob/local-blob-store.ts';
import { benchScale } from './bench-source.ts';
import { buildDisk } from './capture-bench.ts';
import { secondsSince, showSpread, spreadOf } from './bench-stats.ts';

const CHUNK = 4 * 1024 * 1024;
const args = process.argv.slice(2);
const dir = args[0] && !args[0].startsWith('--') ? args[0] : join(tmpdir(), 'kiln-bench-fill');
const roundsAt = args.indexOf('--rounds');
const rounds = Number(roundsAt >= 0 ? args[roundsAt + 1] : (process.env.KILN_BENCH_ROUNDS ?? 5));
const disk = join(dir, 'disk.raw');
await mkdir(dir, { recursive: true });
if (!existsSync(disk)) await buildDisk(disk, benchScale());

const blobs = new LocalBlobStore(join(dir, 'blobs'), true);
await blobs.init();
const keys: string[] = [];
const reader = await RawReader.open(disk);
const sink = {
  putIfAbsent: (k: string, d: Buffer, l?: number) => {
    keys.push(k);
    return blobs.putIfAbsent(k, d, l, { deferSync: true });
  },
};
const chunked = await chunkDisk(reader, sink, { chunkSize: CHUNK });
await blobs.sync(keys);
await reader.close();
await closeSharedHashPool();
const manifest: Manifest = { virtualSize: chunked.virtualSize, chunkSize: CHUNK, chunks: chunked.chunks };

const sync = () => execFileSync('sync');
async function cpSync(): Promise<number> {
  const copy = join(dir, 'copy.raw');
  const t = process.hrtime.bigint();
  execFileSync('cp', ['--sparse=always', disk, copy]);
  sync();
  const s = secondsSince(t);
  await rm(copy);
  return s;
}
async function fill(): Promise<number> {
  const entry = join(dir, 'entry.raw');
  const fh = await open(entry, 'w');
  await fh.truncate(manifest.virtualSize);
  await fh.close();
  const t = process.hrtime.bigint();
  await writeManifest(entry, manifest, blobs);
  const s = secondsSince(t);
  await rm(entry);
  return s;
}

const cp: number[] = [];
const kiln: number[] = [];
const ratios: number[] = [];
for (let i = 0; i < rounds; i++) {
  sync();
  let a: number;
  let b: number;
  if (i % 2 === 0) {
    a = await cpSync();
    sync();
    b = await fill();
  } else {
    b = await fill();
    sync();
    a = await cpSync();
  }
  cp.push(a);
  kiln.push(b);
  ratios.push(b / a);
  console.log(`round ${i}: cp --sparse=always; sync ${a.toFixed(2)} s, writeManifest ${b.toFixed(2)} s (${(b / a).toFixed(2)}x), load ${loadavg()}`);
}
console.log(`\n## Image cache fill, chunks holding ${(chunked.storedSize / 1024 ** 3).toFixed(2)} GiB (median of ${rounds} [min..max], load ${loadavg()})`);
console.log(`cp --sparse=always; sync   ${showSpread(spreadOf(cp))} s`);
console.log(`writeManifest (fill+sync)  ${showSpread(spreadOf(kiln))} s`);
console.log(`per-round ratio            ${showSpread(spreadOf(ratios))}x`);

function loadavg(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
