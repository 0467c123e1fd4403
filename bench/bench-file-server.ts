/**
 * The HTTP server the import benchmarks fetch their images from, in a process of its own
 * so its CPU time can be read and printed beside Kiln's.
 *
 * Real object storage is another machine: what it spends sending is not the importer's
 * cost. On the 2-core benchmark machine the test suite's Node file server (a read stream
 * piped into node:http) took 4.1-5.8 s of CPU to send a 4 GiB raw image, on the same two
 * cores as Kiln, so it was counted against Kiln. nginx sends with sendfile(2) and costs a
 * fraction of that; it is the default when installed (`apt-get install nginx-light`).
 * `--file-server node` (or KILN_BENCH_FILE_SERVER=node) keeps the old server.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeLoopbackPort as freePort } from '../test/support/ports.ts';

const NGINX = '/usr/sbin/nginx';

export type FileServerKind = 'nginx' | 'node';

export interface BenchFileServer {
  readonly kind: FileServerKind;
  readonly port: number;
  /** The URL of `path`, one of the files the server was started with. */
  urlOf(path: string): string;
  /** CPU seconds (user + system) the server has used so far. */
  cpuSeconds(): number;
  close(): Promise<void>;
}

/** `--file-server nginx|node`, else KILN_BENCH_FILE_SERVER, else nginx when installed. */
export function fileServerKind(): FileServerKind {
  const flag = process.argv.indexOf('--file-server');
  const wanted = flag >= 0 ? process.argv[flag + 1] : process.env.KILN_BENCH_FILE_SERVER;
  if (wanted === 'nginx' || wanted === 'node') return wanted;
  if (wanted !== undefined) throw new Error(`--file-server takes nginx or node, not ${wanted}`);
  return existsSync(NGINX) ? 'nginx' : 'node';
}

/** Serves `paths` (all in one directory for nginx) by their base names. */
export async function startBenchFileServer(kind: FileServerKind, paths: readonly string[]): Promise<BenchFileServer> {
  return kind === 'nginx' ? startNginx(paths) : startNode(paths);
}

async function startNginx(paths: readonly string[]): Promise<BenchFileServer> {
  const root = dirname(paths[0] ?? '/');
  if (paths.some((p) => dirname(p) !== root)) throw new Error('nginx serves one directory: the files must share it');
  const prefix = await mkdtemp(join(tmpdir(), 'kiln-bench-nginx-'));
  const port = await freePort();
  // One process (no master): its CPU is the server's whole cost. Ranges, ETag and
  // Last-Modified are nginx's defaults for static files, as S3 answers.
  const conf = `daemon off; master_process off; worker_processes 1; pid ${prefix}/nginx.pid; error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_timeout 60s; keepalive_requests 100000;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  types { } default_type application/octet-stream;
  server { listen 127.0.0.1:${port}; root ${root}; }
}
`;
  await writeFile(join(prefix, 'nginx.conf'), conf);
  const child = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let failed = '';
  child.stderr?.on('data', (d: Buffer) => (failed += d.toString()));
  await waitForPort(port, child, () => failed);
  return {
    kind: 'nginx',
    port,
    urlOf: (path) => `http://127.0.0.1:${port}/${encodeURIComponent(basename(path))}`,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    close: async () => {
      await stop(child);
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

async function startNode(paths: readonly string[]): Promise<BenchFileServer> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve', ...paths], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((ok, fail) => {
    child.once('message', (m) => ok(Number(m)));
    child.once('exit', (code) => fail(new Error(`the node file server exited (${code}) before listening`)));
  });
  return {
    kind: 'node',
    port,
    urlOf: (path) => `http://127.0.0.1:${port}/${encodeURIComponent(basename(path))}`,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    close: () => stop(child),
  };
}

async function waitForPort(port: number, child: ChildProcess, why: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${why()}`);
    const up = await fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD' }).then(
      () => true,
      () => false,
    );
    if (up) return;
    await sleep(50);
  }
  throw new Error(`nginx did not listen on ${port}: ${why()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill();
  await exited;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSecondsOf(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

if (process.argv[2] === '--serve') {
  // The child of startNode: the test suite's FileServer, serving the named files.
  const { FileServer } = await import('../test/support/file-server.ts');
  const files = new FileServer();
  await files.start();
  for (const path of process.argv.slice(3)) files.serve(basename(path), path);
  process.send?.(files.port);
}
