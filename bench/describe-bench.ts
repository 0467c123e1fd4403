import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { loadConfig } from '../src/config/config.ts';
import { createKiln } from '../src/app/kiln.ts';
import { ensureAdmin } from '../src/app/bootstrap.ts';
import { newId } from '../src/core/ids.ts';
import type { Image } from '../src/core/model.ts';
import { freePort } from '../test/support/kiln-process.ts';
import { UCloudTestClient } from '../test/support/ucloud-client.ts';
import type { BenchStack, BenchStacks } from './bench-stacks.ts';
import { printTable, spreadOf } from './bench-stats.ts';

const root = resolve(import.meta.dirname, '..');
const IMAGES = Number(process.env.KILN_BENCH_IMAGES ?? '100000');
const keys = { publicKey: 'bench-public-key', privateKey: 'bench-private-key-0123456789abcdef' };

export async function describeBenchSeed(dataDir: string, env: Record<string, string> = {}): Promise<void> {
  const config = loadConfig({
    ...process.env,
    KILN_DATA_DIR: dataDir,
    KILN_BOOTSTRAP_PUBLIC_KEY: keys.publicKey,
    KILN_BOOTSTRAP_PRIVATE_KEY: keys.privateKey,
    ...env,
  });
  const kiln = await createKiln(config, pino({ level: 'warn' }));
  // The bench fixes the keys itself: nothing to announce.
  await ensureAdmin(kiln, () => {});
  const owner = (await kiln.services.accounts.keyOwner(keys.publicKey))!;
  const p = await kiln.services.accounts.principal(owner.accountId, undefined);
  const now = Date.now();
  // The same catalogue twice: UHost custom images and CompShare custom images.
  for (const product of ['uhost', 'compshare'] as const) {
    // A transaction of 20,000 images at a time (multi-row INSERTs inside), so a seed holds
    // neither the whole catalogue in memory nor SQLite's write lock for long.
    for (let done = 0; done < IMAGES; done += 20_000) {
      const run: Image[] = [];
      for (let i = done; i < Math.min(done + 20_000, IMAGES); i++) {
        run.push({
          id: newId(product === 'uhost' ? 'uimage-' : 'compshareimage-'),
          product,
          accountId: p.accountId,
          projectId: p.projectId,
          region: 'cn-bj2',
          zone: 'cn-bj2-04',
          kind: 'custom',
          name: `image-${i}`,
          description: `benchmark image ${i}`,
          osType: 'Linux',
          osName: 'Ubuntu 22.04',
          state: 'available',
          failedReason: null,
          virtualSize: 20 * 1024 ** 3,
          storedSize: 1024 ** 3,
          sourceInstanceId: null,
          parentImageId: null,
          visibility: 'private',
          attributes: {},
          createdAt: now + i,
          updatedAt: now + i,
        });
      }
      await kiln.store.images.insertMany(run, { uniqueName: false });
    }
  }
  await kiln.close();
}

export function startProcess(args: string[], env: Record<string, string>, ready: (out: string) => boolean): Promise<ChildProcess> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready(out)) ok(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => fail(new Error(`process exited ${code}: ${out}`)));
  });
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** The server's CPU time per answered request (user + system), microseconds. */
  cpuUs: number;
}

async function load(url: string, server: ChildProcess): Promise<Load> {
  const duration = Number(process.env.KILN_BENCH_SECONDS ?? '10');
  await autocannon({ url, connections: 8, duration: 2 }); // warm-up
  const cpu0 = await cpuSeconds(server);
  const r = await autocannon({ url, connections: 8, duration });
  const cpu = (await cpuSeconds(server)) - cpu0;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, cpuUs: (cpu * 1e6) / Math.max(1, r.requests.total) };
}

/**
 * CPU seconds a process has used (utime + stime from /proc). On a shared machine req/s
 * moves with whatever else runs, since the server waits for a core; the CPU each request
 * costs the server moves much less, so its ratio is printed beside the req/s one.
 */
async function cpuSeconds(child: ChildProcess): Promise<number> {
  const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** USER_HZ, which /proc reports times in: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** One action's figures on one stack: per round, Kiln and then its bare peer, back to back. */
interface Measured {
  label: string;
  action: string;
  body: number;
  seeded: number;
  kiln: Load[];
  bare: Load[];
  rss: [number, number];
}

const ROUNDS = Number(process.env.KILN_BENCH_ROUNDS ?? '3');

export async function describeBench(stacks: BenchStacks, which: BenchStack[]): Promise<void> {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  try {
    const rows: Measured[] = [];
    for (const stack of which) {
      const dataDir = await mkdtemp(join(tmpdir(), 'kiln-bench-describe-'));
      dirs.push(dataDir);
      const env = await stacks.env(stack);
      const t0 = Date.now();
      await describeBenchSeed(dataDir, env);
      const seeded = (Date.now() - t0) / 1000;
      console.log(`${stack}: seeded 2 x ${IMAGES} images in ${seeded.toFixed(1)} s; ${await loadAverage()}`);
      const port = await freePort();
      const server = await startProcess(['bin/kiln.js', 'serve'], { ...env, KILN_DATA_DIR: dataDir, KILN_PORT: String(port), KILN_LOG_LEVEL: 'info' }, (o) =>
        o.includes('kiln listening'),
      );
      children.push(server);
      await waitHealthy(`http://127.0.0.1:${port}/healthz`);
      const client = new UCloudTestClient({ baseUrl: `http://127.0.0.1:${port}`, ...keys, region: 'cn-bj2', encoding: 'get' });
      const requests = [
        { action: 'DescribeImage', params: { ImageType: 'Custom', Limit: 20, Offset: 0 } },
        { action: 'DescribeCompShareCustomImages', params: { Zone: 'cn-bj2-04', Limit: 20, Offset: 0 } },
      ];
      for (const { action, params } of requests) {
        const kilnUrl = `http://127.0.0.1:${port}${client.encode(action, params).path}`;
        const sample = await (await fetch(kilnUrl)).text();
        const parsed = JSON.parse(sample) as { RetCode: number; TotalCount: number; ImageSet: unknown[] };
        if (parsed.RetCode !== 0 || parsed.TotalCount !== IMAGES || parsed.ImageSet.length !== 20)
          throw new Error(`unexpected answer: ${sample.slice(0, 300)}`);
        // The peer answers a canned body of this action's size; it runs beside Kiln and
        // each round measures both back to back, so a change in the machine's load
        // between rounds moves both sides of that round's ratio.
        const barePort = await freePort();
        const bare = await startProcess(['--import', 'tsx', 'bench/bare-server.ts', String(barePort), sample], {}, (o) => o.includes('ready'));
        children.push(bare);
        const row: Measured = {
          label: stack === 'embedded' ? 'kiln SQLite' : 'kiln PostgreSQL',
          action,
          body: sample.length,
          seeded,
          kiln: [],
          bare: [],
          rss: [0, 0],
        };
        row.rss[0] = await rssMiB(server);
        for (let round = 0; round < ROUNDS; round++) {
          row.kiln.push(await load(kilnUrl, server));
          row.bare.push(await load(`http://127.0.0.1:${barePort}/`, bare));
        }
        row.rss[1] = await rssMiB(server);
        console.log(`${row.label} ${action} measured; ${await loadAverage()}`);
        rows.push(row);
        children.splice(children.indexOf(bare), 1);
        bare.kill('SIGKILL');
      }
      children.splice(children.indexOf(server), 1);
      server.kill('SIGKILL');
    }
    const show = (values: number[], digits: number) => {
      const s = spreadOf(values);
      return `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}..${s.max.toFixed(digits)}]`;
    };
    for (const action of [...new Set(rows.map((r) => r.action))]) {
      const of = rows.filter((r) => r.action === action);
      console.log(`\n## ${action} (Limit 20, TotalCount ${IMAGES}) at concurrency 8, ${ROUNDS} rounds: median [min..max]; body ${of[0]!.body} bytes`);
      printTable(
        ['', 'req/s', 'p99 ms', 'errors', 'bare req/s', 'ratio vs bare', 'CPU us/req', 'bare CPU us/req', 'CPU ratio', 'RSS MiB before -> after', 'seeded in'],
        of.map((r) => [
          r.label,
          show(
            r.kiln.map((l) => l.rps),
            0,
          ),
          show(
            r.kiln.map((l) => l.p99),
            1,
          ),
          String(r.kiln.reduce((n, l) => n + l.errors, 0)),
          show(
            r.bare.map((l) => l.rps),
            0,
          ),
          show(
            r.kiln.map((l, i) => l.rps / r.bare[i]!.rps),
            2,
          ),
          show(
            r.kiln.map((l) => l.cpuUs),
            0,
          ),
          show(
            r.bare.map((l) => l.cpuUs),
            0,
          ),
          show(
            r.kiln.map((l, i) => r.bare[i]!.cpuUs / l.cpuUs),
            2,
          ),
          `${r.rss[0].toFixed(0)} -> ${r.rss[1].toFixed(0)}`,
          `${r.seeded.toFixed(1)} s`,
        ]),
      );
    }
    console.log(`\n${await loadAverage()} at the end`);
    console.log('(targets: DescribeImage ratio >= 0.4 on SQLite, >= 0.25 on PostgreSQL; DescribeCompShareCustomImages >= 0.2; p99 < 10 ms)');
  } finally {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

/** The machine's load average as uptime prints it: figures taken under load are noisy. */
async function loadAverage(): Promise<string> {
  const [one, five, fifteen] = (await readFile('/proc/loadavg', 'utf8')).split(' ');
  return `load average ${one}, ${five}, ${fifteen}`;
}

/** The server's resident memory, so a load that leaks or grows shows beside its req/s. */
async function rssMiB(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for process ${child.pid}`);
  return Number(kb[1]) / 1024;
}

export async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became healthy`);
}
