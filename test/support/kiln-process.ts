import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Job } from '../../src/core/model.ts';
import type { MetadataStore } from '../../src/core/ports/metadata-store.ts';
import { currentStack, stackEnvFor, type StackEnv } from './stacks.ts';
import { builtKilnBin } from './kiln-bin.ts';
import { listensHere } from './listener-owner.ts';
import { freeLoopbackPort as freePort } from './ports.ts';
import type { UCloudTestClient } from './ucloud-client.ts';

const bin = builtKilnBin();

/** The one free-port helper (ports.ts), under the name the tests and benches import from here. */
export { freeLoopbackPort as freePort } from './ports.ts';

/** A real `kiln serve` process on its own data dir and port. */
export class KilnProcess {
  child: ChildProcess | undefined;
  output = '';
  readonly baseUrl: string;
  /** The database and bucket of this process on the pg-s3 stack; undefined on embedded. */
  private stack: StackEnv | undefined;
  /** This process's metadata store, opened here on first use (see diskPath). */
  private store: Promise<MetadataStore> | undefined;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly env: Record<string, string>,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  /**
   * On KILN_TEST_STACK=pg-s3 the process also gets a fresh PostgreSQL database and S3
   * bucket (see stacks.ts), kept across launch() and dropped by stop(); `env` still wins.
   * The database is a copy of the run's migrated template when `npm test` made one: the
   * migrations of a first start are tested by the contract tests and scale-setup instead.
   * On the embedded stack nothing is added.
   */
  static async start(env: Record<string, string> = {}, dataDir?: string): Promise<KilnProcess> {
    const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'kiln-test-')));
    const stack = currentStack() === 'embedded' ? undefined : await stackEnvFor(basename(process.argv[1] ?? 'kiln-test'), { premigrated: true });
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const k = new KilnProcess(dir, port, {
        KILN_DATA_DIR: dir,
        KILN_PORT: String(port),
        KILN_HOST: '127.0.0.1',
        KILN_LOG_LEVEL: 'warn',
        KILN_JOB_POLL_MS: '50',
        KILN_BLOB_FSYNC: 'false',
        ...stack?.env,
        ...env,
      });
      k.stack = stack;
      try {
        await k.launch();
        return k;
      } catch (e) {
        await k.kill().catch(() => {});
        // Another test's server took the port between freePort() and this bind: choose again.
        if (attempt < 3 && k.output.includes('the port is in use')) continue;
        // The caller never gets `k`, so nothing else would drop the database and bucket.
        await stack?.cleanup();
        throw e;
      }
    }
  }

  async launch(): Promise<void> {
    this.output = '';
    this.child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    // Generous: a loaded 2-core machine has taken over 30 s to start a server.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`kiln exited early (${this.child.exitCode}):\n${this.output}`);
      try {
        const r = await fetch(`${this.baseUrl}/healthz`);
        // Healthy only if the server answering is this child, not another test's on the same port.
        if (r.ok && (await listensHere(this.child.pid!, this.port))) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        // A server left running keeps the test file's event loop alive: the file would hang
        // until the runner's timeout instead of failing now.
        const child = this.child;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
        throw new Error(`kiln did not become healthy in 60 s:\n${this.output}`);
      }
      await sleep(100);
    }
  }

  async credentials(): Promise<{ publicKey: string; privateKey: string }> {
    return JSON.parse(await readFile(join(this.dataDir, 'credentials.json'), 'utf8')) as { publicKey: string; privateKey: string };
  }

  async adminClient(): Promise<UCloudTestClient> {
    const c = await this.credentials();
    // Imported on use: the client checks answers against every declared action, ~1.2 s of
    // CPU to load, which the files driving kiln only through the CLI or the SDK never need.
    const { UCloudTestClient } = await import('./ucloud-client.ts');
    return new UCloudTestClient({ baseUrl: this.baseUrl, publicKey: c.publicKey, privateKey: c.privateKey, region: 'cn-bj2' });
  }

  /** Runs a `kiln` admin command against the same stores (same env, stack included); returns stdout. */
  async cli(args: string[]): Promise<string> {
    return runCli(args, this.env);
  }

  /**
   * The file of an instance's disk, read from the process's metadata store in this test
   * process. `kiln instance disk` answers the same (uhost-capture.test.ts checks that it
   * does), but each run of it starts a process that loads the whole service, ~1.5 s of
   * CPU, and the suites ask for disk paths hundreds of times.
   */
  async diskPath(instanceId: string, index = 0): Promise<string> {
    const disk = (await (await this.metadata()).instances.disks(instanceId)).find((d) => d.index === index);
    if (!disk) throw new Error(`instance ${instanceId} has no disk ${index}`);
    if (disk.path === '') throw new Error(`instance ${instanceId} is still being deployed; its disk ${index} does not exist yet`);
    return disk.path;
  }

  /** The latest job of an image (when it was queued and started), read as diskPath reads. */
  async latestJob(imageId: string): Promise<Job | undefined> {
    return (await this.metadata()).jobs.latestForImage(imageId);
  }

  private metadata(): Promise<MetadataStore> {
    this.store ??= this.openMetadata();
    return this.store;
  }

  /**
   * Imported here, not at the top: under the tests' TypeScript loader the store and its
   * drivers cost ~0.9 s of CPU to load, paid by every file that starts a kiln, while only
   * the files asking for disk paths or jobs use them.
   */
  private async openMetadata(): Promise<MetadataStore> {
    const [{ loadConfig }, { openMetadataStore }] = await Promise.all([
      import('../../src/config/config.ts'),
      import('../../src/store/metadata/kysely-metadata-store.ts'),
    ]);
    return openMetadataStore(loadConfig({ ...process.env, ...this.env }).database);
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    const store = this.store;
    this.store = undefined;
    await (await store?.catch(() => undefined))?.close();
    await rm(this.dataDir, { recursive: true, force: true });
    await this.stack?.cleanup();
  }
}

export async function runCli(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`kiln ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}
