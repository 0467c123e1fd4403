/**
 * Micro-benchmark of the streaming import path alone: a ranged HTTP source (nginx, or
 * with --file-server node the test suite's server, in a process of its own; see
 * bench-file-server.ts) -> format reader -> chunker -> hashing -> local blob
 * store with fsync, one batched sync at the end. No API, jobs or metadata store, so a
 * profile (node --cpu-prof, --trace-gc) shows only this path. Prints wall and CPU time
 * (every thread of this process) per format; on a shared machine compare CPU time.
 *
 *   node --import tsx bench/import-pipeline.ts DIR [--scale S] [--rounds N] [--ab] [--no-store] [--file-server node] [raw qcow2 ...]
 *
 * --no-store hashes and drops the chunks: the transfer and the reader alone. --ab runs
 * each format a second time with the store writing through the page cache (no O_DIRECT,
 * the code before), alternated with the default in every round.
 *
 * DIR keeps source.raw and its variants (bench-source.ts) between runs; built if missing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkDisk } from '../src/disk/chunker.ts';
import { closeSharedHashPool } from '../src/disk/hash-pool.ts';
import { openDiskSource } from '../src/disk/open-disk.ts';
import { openImportSource } from '../src/net/import-source.ts';
import { LocalBlobStore } from '../src/store/blob/local-blob-store.ts';
import { fileServerKind, startBenchFileServer } from './bench-file-server.ts';
import { benchScale, buildSource, primeCache, variantsIn, writeVariants } from './bench-source.ts';
import { secondsSince } from './bench-stats.ts';

const GiB = 1024 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;

const args = process.argv.slice(2);
const dir = args[0] && !args[0].startsWith('--') ? args[0] : join(tmpdir(), 'kiln-bench-pipeline');
const scaleAt = args.indexOf('--scale');
const serverAt = args.indexOf('--file-server');
const roundsAt = args.indexOf('--rounds');
const only = args.slice(1).filter((a, i) => !a.startsWith('--') && ![scaleAt, serverAt, roundsAt].includes(i));
const store = !args.includes('--no-store');
const ab = args.includes('--ab');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 1;
const src = join(dir, 'source.raw');
if (!existsSync(src)) await buildSource(src, benchScale());
const variants = existsSync(join(dir, 'dynamic.vhd')) ? variantsIn(dir) : writeVariants(src, dir);
const server = await startBenchFileServer(
  fileServerKind(),
  variants.map((v) => v.path),
);
const port = server.port;
console.log(`file server: ${server.kind}`);
const policy = { allowHosts: [`127.0.0.1:${port}`], allowedSchemes: ['http:' as const], maxBytes: 64 * GiB, maxRedirects: 0, timeoutMs: 30_000 };
try {
  const runs = variants
    .filter((x) => only.length === 0 || only.includes(x.name))
    .flatMap((v) =>
      ab
        ? [
            { v, direct: true },
            { v, direct: false },
          ]
        : [{ v, direct: true }],
    );
  for (let round = 0; round < rounds; round++)
    for (const { v, direct } of runs) {
      primeCache(v.path);
      const blobsDir = await mkdtemp(join(tmpdir(), 'kiln-pipe-blobs-'));
      const blobs = new LocalBlobStore(blobsDir, true, { directWrites: direct });
      await blobs.init();
      const keys: string[] = [];
      const sink = {
        putIfAbsent: (k: string, d: Buffer, l?: number) => {
          if (!store) return Promise.resolve();
          keys.push(k);
          return blobs.putIfAbsent(k, d, l, { deferSync: true });
        },
      };
      const t = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const serverCpu = server.cpuSeconds();
      const source = await openImportSource(server.urlOf(v.path), policy, { spoolPath: join(blobsDir, 'spool') });
      const reader = await openDiskSource(source, { maxVirtualSize: 8 * GiB });
      const out = await chunkDisk(reader, sink, { chunkSize: CHUNK });
      await blobs.sync(keys);
      const wall = secondsSince(t);
      const used = process.cpuUsage(cpu);
      const served = server.cpuSeconds() - serverCpu;
      const stats = 'stats' in source ? ` ${JSON.stringify(source.stats)}` : '';
      await reader.close();
      console.log(
        `${v.name}${ab ? (direct ? ' direct' : ' page cache') : ''}: ${wall.toFixed(2)} s (cpu ${((used.user + used.system) / 1e6).toFixed(2)} s, file server ${served.toFixed(2)} s), ${out.chunks.filter(Boolean).length} chunks stored${stats}`,
      );
      await rm(blobsDir, { recursive: true, force: true });
    }
} finally {
  await server.close();
  await closeSharedHashPool();
}
