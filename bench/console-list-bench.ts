/**
 * The console's image list at 100,000 images (KILN_BENCH_IMAGES): time to first byte of
 * GET /console/uhost/images, one request at a time, against a bare Fastify route that
 * answers the same page's bytes (the peer: what HTTP alone costs on this machine).
 * Rounds of KILN_BENCH_REQUESTS requests; the median round's p50 and p99 are printed with
 * the spread over rounds. Target: p99 < 50 ms on SQLite.
 */
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/kiln-process.ts';
import type { BenchStack, BenchStacks } from './bench-stacks.ts';
import { describeBenchSeed, startProcess, waitHealthy } from './describe-bench.ts';

const IMAGES = Number(process.env.KILN_BENCH_IMAGES ?? '100000');
const REQUESTS = Number(process.env.KILN_BENCH_REQUESTS ?? '300');
const ROUNDS = 5;
const keys = { publicKey: 'bench-public-key', privateKey: 'bench-private-key-0123456789abcdef' };

/** Milliseconds from sending the request to the first byte of the answer (its status line). */
function ttfb(url: string, cookie: string): Promise<{ ms: number; status: number; body: string }> {
  return new Promise((ok, fail) => {
    const t0 = process.hrtime.bigint();
    const req = request(url, { headers: { cookie } }, (res) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => ok({ ms, status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Figures {
  p50: number;
  p99: number;
  /** min-max of the rounds' p99. */
  spread: [number, number];
}

async function measure(url: string, cookie: string, requests = REQUESTS): Promise<Figures> {
  for (let i = 0; i < 10; i++) await ttfb(url, cookie); // warm-up
  const rounds: { p50: number; p99: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const a = await ttfb(url, cookie);
      if (a.status !== 200) throw new Error(`${url} answered ${a.status}: ${a.body.slice(0, 300)}`);
      times.push(a.ms);
    }
    times.sort((x, y) => x - y);
    rounds.push({ p50: percentile(times, 50), p99: percentile(times, 99) });
  }
  const byP99 = [...rounds].sort((x, y) => x.p99 - y.p99);
  const median = byP99[Math.floor(ROUNDS / 2)]!;
  return { p50: median.p50, p99: median.p99, spread: [byP99[0]!.p99, byP99.at(-1)!.p99] };
}

/** Signs in through the form as a browser does; returns the Cookie header of the session. */
async function signIn(base: string): Promise<string> {
  const form = await fetch(`${base}/console/sign-in`);
  const csrfCookie = /kiln_sign_in_csrf=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const res = await fetch(`${base}/console/sign-in`, {
    method: 'POST',
    headers: { cookie: `kiln_sign_in_csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfCookie, ...keys }).toString(),
    redirect: 'manual',
  });
  const session = /kiln_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (res.status !== 303 || !session) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return `kiln_session=${session}`;
}

export async function consoleListBench(stacks: BenchStacks, which: BenchStack[]): Promise<void> {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  try {
    for (const stack of which) {
      const dataDir = await mkdtemp(join(tmpdir(), 'kiln-bench-console-'));
      dirs.push(dataDir);
      const env = await stacks.env(stack);
      await describeBenchSeed(dataDir, env);
      const port = await freePort();
      const server = await startProcess(['bin/kiln.js', 'serve'], { ...env, KILN_DATA_DIR: dataDir, KILN_PORT: String(port), KILN_LOG_LEVEL: 'info' }, (o) =>
        o.includes('kiln listening'),
      );
      children.push(server);
      const base = `http://127.0.0.1:${port}`;
      await waitHealthy(`${base}/healthz`);
      const cookie = await signIn(base);
      const first = await ttfb(`${base}/console/uhost/images`, cookie);
      const next = /rel="next" href="([^"]+)"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
      if (!first.body.includes('image-99999') && IMAGES === 100_000) throw new Error('the first page does not start at the newest image');
      if (!next) throw new Error('the first page has no next page');
      // A name search scans the project's images (a substring has no index): fewer rounds of it.
      const pages: [string, string, number][] = [
        ['newest, page 1', '/console/uhost/images', REQUESTS],
        ['newest, page 2 (cursor)', `/console/uhost/images${next}`, REQUESTS],
        ['sorted by name', '/console/uhost/images?sort=name', REQUESTS],
        ['filtered: Available, Linux', '/console/uhost/images?state=available&os=Linux', REQUESTS],
        ['name search (scan)', '/console/uhost/images?q=image-4242', Math.min(REQUESTS, 40)],
      ];
      // The peer answers the first page's bytes with no work at all.
      const barePort = await freePort();
      const bare = await startProcess(['--import', 'tsx', 'bench/bare-server.ts', String(barePort), first.body], {}, (o) => o.includes('ready'));
      children.push(bare);
      const peer = await measure(`http://127.0.0.1:${barePort}/`, '');
      console.log(
        `\n## Console image list, ${IMAGES} images, ${stack === 'embedded' ? 'SQLite' : 'PostgreSQL'}; TTFB in ms, sequential, median of ${ROUNDS} rounds of ${REQUESTS}`,
      );
      console.log(`${'page'.padEnd(30)} p50     p99     p99 spread       p99 ratio vs bare`);
      for (const [label, path, requests] of pages) {
        const f = await measure(`${base}${path}`, cookie, requests);
        console.log(
          `${label.padEnd(30)} ${f.p50.toFixed(2).padStart(6)}  ${f.p99.toFixed(2).padStart(6)}  ${`${f.spread[0].toFixed(2)}-${f.spread[1].toFixed(2)}`.padStart(13)}   ${(f.p99 / peer.p99).toFixed(1).padStart(8)}x`,
        );
      }
      console.log(
        `${'bare fastify (same bytes)'.padEnd(30)} ${peer.p50.toFixed(2).padStart(6)}  ${peer.p99.toFixed(2).padStart(6)}  ${`${peer.spread[0].toFixed(2)}-${peer.spread[1].toFixed(2)}`.padStart(13)}`,
      );
      console.log('(target: p99 < 50 ms on SQLite)');
      bare.kill('SIGKILL');
      server.kill('SIGKILL');
    }
  } finally {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}
