/**
 * The HTTP requests a format reader makes for one import, without the blob store: each
 * image served as the import bench serves it (nginx, else the Node file server), read
 * through the import's range source and the chunk pipeline into a sink that keeps nothing.
 *
 *   node --import tsx bench/range-requests.ts [--rounds N] FILE...   # files in one directory
 *
 * Prints per file and round the range requests, the bytes fetched against the file size,
 * and the wall and CPU time of the read (this process only).
 */
import { stat } from 'node:fs/promises';
import { chunkDisk } from '../src/disk/chunker.ts';
import { openDiskSource } from '../src/disk/open-disk.ts';
import type { DownloadPolicy } from '../src/net/checked-fetch.ts';
import type { HttpRangeSource } from '../src/net/http-range-source.ts';
import { openImportSource } from '../src/net/import-source.ts';
import { fileServerKind, startBenchFileServer, type BenchFileServer } from './bench-file-server.ts';
import { benchRounds } from './bench-source.ts';

const MiB = 1024 * 1024;

async function measure(server: BenchFileServer, path: string): Promise<string> {
  const policy: DownloadPolicy = {
    allowHosts: [`127.0.0.1:${server.port}`],
    allowPublic: false,
    allowedSchemes: ['http:'],
    maxBytes: 64 * 1024 ** 3,
    maxRedirects: 5,
    timeoutMs: 60_000,
  };
  const cpu = process.cpuUsage();
  const t = performance.now();
  const source = await openImportSource(server.urlOf(path), policy, { spoolPath: `${path}.spool` });
  const { stats } = source as unknown as HttpRangeSource;
  const reader = await openDiskSource(source, { maxVirtualSize: 64 * 1024 ** 3 });
  try {
    await chunkDisk(reader, { putIfAbsent: async () => true }, { chunkSize: 4 * MiB, hashPool: 'inline' });
  } finally {
    await reader.close();
  }
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const size = (await stat(path)).size;
  return `${stats.requests} requests, ${(stats.bytes / MiB).toFixed(0)} MiB fetched of ${(size / MiB).toFixed(0)} MiB, ${seconds.toFixed(2)} s, CPU ${((used.user + used.system) / 1e6).toFixed(2)} s`;
}

const paths = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const server = await startBenchFileServer(fileServerKind(), paths);
try {
  for (let round = 1; round <= benchRounds(); round++) {
    for (const path of paths) console.log(`round ${round} ${path}: ${await measure(server, path)}`);
  }
} finally {
  await server.close();
}
