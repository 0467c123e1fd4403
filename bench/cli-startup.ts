/**
 * How long a `kiln` command takes, start to exit, run from the TypeScript sources through
 * tsx (how every kiln process ran before dist/) and from the compiled dist/ (how it runs
 * now), against a local `kiln serve` started here:
 *
 *   node --import tsx bench/cli-startup.ts [--runs N]       (N per command and entry point, default 9)
 *
 * Prints the median and the fastest wall time of `kiln --version` and `kiln images list`
 * each way, and of `node -e ''` (what any Node process costs on this machine). Runs of the
 * two ways alternate, so a busy machine slows both alike.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintFile, repoRoot, sourceFingerprint } from '../scripts/build-fingerprint.ts';
import { freeLoopbackPort } from '../test/support/ports.ts';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');

/** Wall seconds of one process, start to exit; a non-zero exit stops the bench. */
function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((ok, fail) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', fail);
    child.once('close', (code) => {
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code === 0) ok(secs);
      else fail(new Error(`node ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const built = existsSync(fingerprintFile) ? readFileSync(fingerprintFile, 'utf8').trim() : undefined;
if (built !== sourceFingerprint()) throw new Error('dist/ is not built from these sources: run `npm run build` first');

const dataDir = await mkdtemp(join(tmpdir(), 'kiln-bench-cli-'));
const port = await freeLoopbackPort();
const server = spawn(process.execPath, ['bin/kiln.js', 'serve'], {
  cwd: repoRoot,
  env: { ...process.env, KILN_DATA_DIR: dataDir, KILN_PORT: String(port), KILN_HOST: '127.0.0.1', KILN_LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
try {
  await new Promise<void>((ok, fail) => {
    let out = '';
    const take = (d: Buffer) => {
      out += d.toString();
      if (out.includes('kiln listening')) ok();
    };
    server.stdout.on('data', take);
    server.stderr.on('data', take);
    server.once('exit', (code) => fail(new Error(`kiln serve exited ${code}: ${out}`)));
  });
  const keys = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as { publicKey: string; privateKey: string };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dataDir,
    KILN_URL: `http://127.0.0.1:${port}`,
    KILN_PUBLIC_KEY: keys.publicKey,
    KILN_PRIVATE_KEY: keys.privateKey,
  };
  const commands: Array<[string, string[]]> = [
    ['kiln --version', ['--version']],
    ['kiln images list', ['images', 'list']],
  ];
  const ways: Array<[string, string]> = [
    ['before (tsx)', 'bench/kiln-through-tsx.js'],
    ['after (dist)', 'bin/kiln.js'],
  ];
  const rows: Array<[string, number, number]> = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) bare.push(await timed(['-e', ''], env));
  rows.push(["node -e ''", median(bare), Math.min(...bare)]);
  for (const [label, args] of commands) {
    const samples = new Map<string, number[]>(ways.map(([w]) => [w, []]));
    for (let i = 0; i < runs; i++) for (const [w, entry] of ways) samples.get(w)!.push(await timed([entry, ...args], env));
    for (const [w] of ways) rows.push([`${label}, ${w}`, median(samples.get(w)!), Math.min(...samples.get(w)!)]);
  }
  process.stdout.write(`kiln command wall time, ${runs} runs each (seconds)\n`);
  process.stdout.write(`${'command'.padEnd(34)} ${'median'.padStart(7)} ${'fastest'.padStart(8)}\n`);
  for (const [label, med, min] of rows) process.stdout.write(`${label.padEnd(34)} ${med.toFixed(3).padStart(7)} ${min.toFixed(3).padStart(8)}\n`);
} finally {
  server.kill('SIGTERM');
  await rm(dataDir, { recursive: true, force: true });
}
