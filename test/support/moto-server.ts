/**
 * A throwaway S3 server for tests: moto's `moto_server` on a free loopback port, in its
 * own process group so stop() ends the pyenv shim and the Python process alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { delay, freeLoopbackPort } from './ports.ts';

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** Path of the moto_server executable, or null when moto is not installed. */
export function findMotoServer(): string | null {
  const candidates: string[] = [];
  if (process.env.KILN_TEST_MOTO_SERVER) candidates.push(process.env.KILN_TEST_MOTO_SERVER);
  for (const d of (process.env.PATH ?? '').split(delimiter)) if (d) candidates.push(join(d, 'moto_server'));
  // pyenv's shims are not always on PATH (non-login shells, CI runners).
  candidates.push(join(homedir(), '.pyenv/shims/moto_server'), '/root/.pyenv/shims/moto_server');
  for (const c of candidates) if (existsSync(c)) return c;
  return null;
}

/** S3 client settings for moto: path style, us-east-1, test/test credentials. */
export function motoClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

export async function createBucket(endpoint: string, name: string): Promise<void> {
  const s3 = motoClient(endpoint);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    s3.destroy();
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts moto_server on a free loopback port (or on `port`, to bring a stopped server
 * back where its clients expect it) and waits until it answers S3 requests. Moto keeps
 * everything in memory: a server started again has no buckets and no objects.
 */
export async function startMoto(opts: { port?: number } = {}): Promise<MotoServer> {
  const exe = findMotoServer();
  if (!exe) throw new Error("moto_server not found (not on PATH, nor in ~/.pyenv/shims); it comes with the machine image's Python (`moto[server]`)");
  let lastError: unknown;
  for (let attempt = 0; attempt < (opts.port === undefined ? 3 : 1); attempt++) {
    const port = opts.port ?? (await freeLoopbackPort());
    const child = spawn(exe, ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.once('error', (e) => (output += `\n${String(e)}`));
    const endpoint = `http://127.0.0.1:${port}`;
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, 'SIGTERM');
      const t = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    };
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        lastError = new Error(`moto_server exited early (${child.exitCode ?? child.signalCode}):\n${output}`);
        break;
      }
      try {
        const r = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        if (r.ok) return { endpoint, port, stop };
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`moto_server on port ${port} did not answer within 60 s:\n${output}`);
      }
      await delay(100);
    }
  }
  throw lastError;
}
