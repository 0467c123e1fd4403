/**
 * Micro-benchmark of the streaming import path alone: a ranged HTTP source (a
 * file server in a child process) -> format reader -> chunker -> hashing -> local blob
 * store with fsync, one batched sync at the end. No API, jobs or metadata store, so a
 * profile (node --cpu-prof, --trace-gc) shows only this path. Prints wall and CPU time
 * (every thread of this process) per format; on a shared machine compare CPU time.
 *
 *   node --import tsx bench/import-pipeline.ts DIR [--scale S] [--no-store] [raw qcow2 ...]
 *
 * --no-store hashes and drops the chunks: the transfer and the reader alone.
 *
 * DIR keeps source.raw and its variants (bench-source.ts) between runs; built if missing.
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chunkDisk } from '../src/disk/chunker.ts';
import { closeSharedHashPool } from '../src/disk/hash-pool.ts';
import { openDiskSource } from '../src/disk/open-disk.ts';
import { openImportSource } from '../src/net/import-source.ts';
import { LocalBlobStore } from '../src/store/blob/local-blob-store.ts';
import { benchScale, buildSource, primeCache, variantsIn, writeVariants } from './bench-source.ts';
import { secondsSince } from './bench-stats.ts';

const GiB = 1024 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;

if (process.argv[2] === '--serve') {
  // The child: serves the files named after --serve and tells the parent its port.
  const { FileServer } = await import('../test/support/file-server.ts');
  const files = new FileServer();
  await files.start();
  for (const path of process.argv.slice(3)) files.serve(basename(path), path);
  process.send?.(files.port);
} else {
  const args = process.argv.slice(2);
  const dir = args[0] && !args[0].startsWith('--') ? args[0] : join(tmpdir(), 'kiln-bench-pipeline');
  const scaleAt = args.indexOf('--scale');
  const only = args.slice(1).filter((a, i) => !a.startsWith('--') && i + 1 !== scaleAt + 1);
  const store = !args.includes('--no-store');
  const src = join(dir, 'source.raw');
  if (!existsSync(src)) await buildSource(src, benchScale());
  const variants = existsSync(join(dir, 'dynamic.vhd')) ? variantsIn(dir) : writeVariants(src, dir);
  const server = fork(new URL(import.meta.url).pathname, ['--serve', ...variants.map((v) => v.path)], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((ok) => server.once('message', (m) => ok(Number(m))));
  const policy = { allowHosts: [`127.0.0.1:${port}`], allowedSchemes: ['http:' as const], maxBytes: 64 * GiB, maxRedirects: 0, timeoutMs: 30_000 };
  try {
    for (const v of variants.filter((x) => only.length === 0 || only.includes(x.name))) {
      primeCache(v.path);
      const blobsDir = await mkdtemp(join(tmpdir(), 'kiln-pipe-blobs-'));
      const blobs = new LocalBlobStore(blobsDir, true);
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
      const serverCpu = cpuSecondsOf(server.pid);
      const source = await openImportSource(`http://127.0.0.1:${port}/${encodeURIComponent(basename(v.path))}`, policy, { spoolPath: join(blobsDir, 'spool') });
      const reader = await openDiskSource(source, { maxVirtualSize: 8 * GiB });
      const out = await chunkDisk(reader, sink, { chunkSize: CHUNK });
      await blobs.sync(keys);
      const wall = secondsSince(t);
      const used = process.cpuUsage(cpu);
      const served = cpuSecondsOf(server.pid) - serverCpu;
      const stats = 'stats' in source ? ` ${JSON.stringify(source.stats)}` : '';
      await reader.close();
      console.log(
        `${v.name}: ${wall.toFixed(2)} s (cpu ${((used.user + used.system) / 1e6).toFixed(2)} s, file server ${served.toFixed(2)} s), ${out.chunks.filter(Boolean).length} chunks stored${stats}`,
      );
      await rm(blobsDir, { recursive: true, force: true });
    }
  } finally {
    server.kill();
    await closeSharedHashPool();
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSecondsOf(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
