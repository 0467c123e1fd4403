/**
 * Where LocalBlobStore.sync should switch from one fdatasync per chunk (4 in flight, then
 * the directories' fsyncs) to one syncfs(2) (SYNCFS_FROM): both made durable the same
 * fresh chunks, written as a capture writes them (deferSync: writeback started at each
 * write), at 4..64 chunks of 4 MiB, in interleaved rounds (order swapped each round).
 * With `--dirty MiB` another writer leaves that much unsynced data on the same filesystem
 * before each sync, as guests writing their disks and other jobs do on a compute node:
 * syncfs waits for it, the per-chunk path does not.
 *
 *   node --import tsx bench/sync-threshold.ts [DIR] [--rounds N] [--dirty MiB] [--counts 8,16,32]
 *
 * Prints per count each strategy's median [min..max] in ms and the median of the
 * per-round ratios (per-chunk / syncfs: below 1, per-chunk is cheaper), with the load.
 */
import { randomFillSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { contentKeyOf } from '../src/core/chunks/content-key.ts';
import { syncFilesystem } from '../src/native/durability.ts';
import { LocalBlobStore } from '../src/store/blob/local-blob-store.ts';
import { spreadOf } from './bench-stats.ts';

const CHUNK = 4 * 1024 * 1024;
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1]! : fallback;
};
const dir = args[0] && !args[0].startsWith('--') ? args[0] : join(tmpdir(), 'kiln-bench-sync-threshold');
const rounds = Number(option('--rounds', '5'));
const dirtyMiB = Number(option('--dirty', '0'));
const counts = option('--counts', '4,8,16,24,32,48,64').split(',').map(Number);

await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true });
const root = join(dir, 'blobs');
const writer = new LocalBlobStore(root, true);
await writer.init();
const data = Buffer.allocUnsafe(CHUNK);

/** `n` new chunks written as a capture writes them (sync deferred, writeback started). */
async function writeChunks(n: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    randomFillSync(data);
    const key = contentKeyOf(data);
    await writer.putIfAbsent(key, data, CHUNK, { deferSync: true });
    keys.push(key);
  }
  return keys;
}

/** Another writer's unsynced data on the same filesystem. */
async function dirty(): Promise<void> {
  if (dirtyMiB <= 0) return;
  const fh = await open(join(dir, 'other-writer'), 'w');
  try {
    for (let i = 0; i < dirtyMiB; i++) await fh.write(randomFillSync(Buffer.allocUnsafe(1024 * 1024)));
  } finally {
    await fh.close();
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const strategies = {
  // What sync does for chunks this store wrote, from SYNCFS_FROM of them.
  syncfs: async (_keys: string[]) => {
    if (!(await syncFilesystem(root))) throw new Error('syncfs is unavailable here');
  },
  // A store that remembers none of them syncs each: fdatasyncs 4 in flight, then the directories.
  'per-chunk': (keys: string[]) => new LocalBlobStore(root, true).sync(keys),
};

console.log(
  `sync of n fresh 4 MiB chunks, ${rounds} rounds, ${dirtyMiB} MiB of another writer's dirty data each time; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('chunks  syncfs ms               per-chunk ms            per-chunk/syncfs per round');
for (const n of counts) {
  const ms: Record<keyof typeof strategies, number[]> = { syncfs: [], 'per-chunk': [] };
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = (r % 2 === 0 ? ['syncfs', 'per-chunk'] : ['per-chunk', 'syncfs']) as (keyof typeof strategies)[];
    const round: Partial<Record<keyof typeof strategies, number>> = {};
    for (const s of order) {
      execFileSync('sync');
      const keys = await writeChunks(n);
      await dirty();
      round[s] = await timed(() => strategies[s](keys));
      ms[s].push(round[s]);
    }
    ratios.push(round['per-chunk']! / round.syncfs!);
  }
  const show = (v: number[]) => {
    const s = spreadOf(v);
    return `${s.median.toFixed(1)} [${s.min.toFixed(1)}..${s.max.toFixed(1)}]`.padEnd(24);
  };
  const ratio = spreadOf(ratios);
  console.log(
    `${String(n).padEnd(8)}${show(ms.syncfs)}${show(ms['per-chunk'])}${ratio.median.toFixed(2)} [${ratio.min.toFixed(2)}..${ratio.max.toFixed(2)}]  load ${loadavg()[0]!.toFixed(2)}`,
  );
}
await rm(dir, { recursive: true, force: true });
