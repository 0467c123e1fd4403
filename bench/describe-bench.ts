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
    for (let done = 0; done < IMAGES; done += 5000) {
      await kiln.store.transaction(async (tx) => {
        for (let i = done; i < Math.min(done + 5000, IMAGES); i++) {
          const image: Image = {
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
          };
          await tx.images.insert(image, { uniqueName: false });
        }
      });
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
}

async function load(url: string): Promise<Load> {
  const duration = Number(process.env.KILN_BENCH_SECONDS ?? '10');
  await autocannon({ url, connections: 8, duration: 2 }); // warm-up
  const r = await autocannon({ url, connections: 8, duration });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

export async function describeBench(stacks: BenchStacks, which: BenchStack[]): Promise<void> {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  try {
    const rows: { label: string; action: string; load: Load; seeded: number; body: number; rss: [number, number] }[] = [];
    const samples: Record<string, string> = {};
    for (const stack of which) {
      const dataDir = await mkdtemp(join(tmpdir(), 'kiln-bench-describe-'));
      dirs.push(dataDir);
      const env = await stacks.env(stack);
      const t0 = Date.now();
      await describeBenchSeed(dataDir, env);
      const seeded = (Date.now() - t0) / 1000;
      const port = await freePort();
      children.push(
        await startProcess(['bin/kiln.js', 'serve'], { ...env, KILN_DATA_DIR: dataDir, KILN_PORT: String(port), KILN_LOG_LEVEL: 'info' }, (o) =>
          o.includes('kiln listening'),
        ),
      );
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
        samples[action] = sample;
        const server = children[children.length - 1]!;
        const rssBefore = await rssMiB(server);
        const measured = await load(kilnUrl);
        rows.push({
          label: stack === 'embedded' ? 'kiln SQLite' : 'kiln PostgreSQL',
          action,
          load: measured,
          seeded,
          body: sample.length,
          rss: [rssBefore, await rssMiB(server)],
        });
      }
      children.pop()!.kill('SIGKILL');
    }
    // Each action's peer answers a canned body of that action's size.
    const bare: Record<string, Load> = {};
    for (const [action, sample] of Object.entries(samples)) {
      const barePort = await freePort();
      children.push(await startProcess(['--import', 'tsx', 'bench/bare-server.ts', String(barePort), sample], {}, (o) => o.includes('ready')));
      bare[action] = await load(`http://127.0.0.1:${barePort}/`);
      children.pop()!.kill('SIGKILL');
    }
    for (const action of Object.keys(samples)) {
      const peer = bare[action]!;
      console.log(`\n## ${action} (Limit 20, TotalCount ${IMAGES}) at concurrency 8; body ${samples[action]!.length} bytes`);
      console.log(`                   req/s      p50 ms   p99 ms   errors   ratio vs bare   RSS MiB before -> after   (seeded in)`);
      for (const r of rows.filter((x) => x.action === action)) {
        const rss = `${r.rss[0].toFixed(0)} -> ${r.rss[1].toFixed(0)}`;
        console.log(
          `${r.label.padEnd(16)} ${r.load.rps.toFixed(0).padStart(8)}  ${r.load.p50.toFixed(2).padStart(8)} ${r.load.p99.toFixed(2).padStart(8)}   ${String(r.load.errors).padStart(6)}   ${(r.load.rps / peer.rps).toFixed(2).padStart(13)}   ${rss.padStart(23)}   (${r.seeded.toFixed(1)} s)`,
        );
      }
      console.log(
        `${'bare fastify'.padEnd(16)} ${peer.rps.toFixed(0).padStart(8)}  ${peer.p50.toFixed(2).padStart(8)} ${peer.p99.toFixed(2).padStart(8)}   ${String(peer.errors).padStart(6)}`,
      );
    }
    console.log('(target: ratio >= 0.25, p99 < 10 ms)');
  } finally {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
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
