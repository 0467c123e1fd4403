import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KilnProcess } from './kiln-process.ts';
import { builtKilnBin } from './kiln-bin.ts';
import { sleep } from './kiln-process.ts';

const bin = builtKilnBin();

/**
 * A `kiln worker` process of another compute node: the API process's stores (same
 * database and blob store), its own node id and data dir (where its instance disks live).
 */
export class WorkerProcess {
  output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly nodeId: string,
    readonly dataDir: string,
  ) {}

  static async start(api: KilnProcess, nodeId: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
    const dataDir = await mkdtemp(join(tmpdir(), `kiln-${nodeId}-`));
    const child = spawn(process.execPath, [bin, 'worker'], {
      env: { ...process.env, ...api.env, KILN_DATA_DIR: dataDir, KILN_NODE_ID: nodeId, KILN_WORKERS: '2', KILN_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const w = new WorkerProcess(child, nodeId, dataDir);
    child.stdout!.on('data', (d: Buffer) => (w.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (w.output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!w.output.includes('kiln worker running')) {
      if (child.exitCode !== null) throw new Error(`worker ${nodeId} exited early (${child.exitCode}):\n${w.output}`);
      if (Date.now() > deadline) throw new Error(`worker ${nodeId} did not start:\n${w.output}`);
      await sleep(50);
    }
    return w;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
