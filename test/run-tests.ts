/**
 * `npm test`: every suite on both storage stacks.
 *
 *   build    dist/ from the sources (`npm run build`): the tests spawn `kiln` from it
 *   phase 1  every test file, KILN_TEST_STACK=embedded (SQLite + local chunk dir)
 *   phase 2  test/core, test/integration, test/contract, test/sdk, test/cli and test/console again, KILN_TEST_STACK=pg-s3, against one
 *            PostgreSQL and one moto S3 server started here (each `kiln` process gets its
 *            own database and bucket: see test/support/stacks.ts; the database a copy of one
 *            migrated once, see test/support/pg-template.ts), but for the files marked
 *            `// stack-neutral: WHY` (listed before the phase; see bothStacksSelection)
 *
 * Each phase starts the files test/slowest-first.txt lists first, then the rest by name.
 *
 * `npm test -- FILE|DIR ...` runs just those (on both stacks where they apply); arguments
 * starting with `-` go to the test runner (`--test-name-pattern=RE`, `--test-only`, `--test-timeout=MS`; see support/run-files.ts).
 * KILN_TEST_PG_URL / KILN_TEST_S3_ENDPOINT, when set, are used instead of starting servers.
 *
 * Missing PostgreSQL or moto skips phase 2 with a loud block; under CI=true or
 * KILN_TEST_REQUIRE_STACKS=1 that fails the run. The last line is always
 * `total: N passed, N failed, N skipped` (cancelled counts as failed, todo as skipped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { startMoto } from './support/moto-server.ts';
import { makeMigratedTemplate, type PgTemplate } from './support/pg-template.ts';
import { startPostgres } from './support/postgres-server.ts';
import { loudBlock, PG_TEMPLATE_ENV, stacksRequired } from './support/stacks.ts';

const root = resolve(import.meta.dirname, '..');

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const total: Counts = { passed: 0, failed: 0, skipped: 0 };
/** Problems outside any test (a crashed phase, a stack not tested); repeated before the total. */
const problems: string[] = [];
let failedRun = false;
let child: ChildProcess | undefined;
const cleanups: Array<() => Promise<void>> = [];

const requireStacks = stacksRequired();

function toRepoPath(p: string): string {
  return relative(root, resolve(root, p)).split(sep).join('/');
}

function testFilesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(resolve(root, dir), { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.endsWith('.test.ts'))
    .map((e) => toRepoPath(resolve(root, dir, e)))
    .sort();
}

function parseArgs(argv: string[]): { files: string[]; nodeArgs: string[] } {
  const nodeArgs: string[] = [];
  const files: string[] = [];
  for (const a of argv) {
    if (a === '--') continue;
    if (a.startsWith('-')) {
      nodeArgs.push(a);
      continue;
    }
    let st;
    try {
      st = statSync(resolve(root, a));
    } catch {
      throw new Error(`no such test file or directory: ${a}`);
    }
    if (st.isDirectory()) files.push(...testFilesUnder(a));
    else files.push(toRepoPath(a));
  }
  const named = argv.filter((a) => a !== '--' && !a.startsWith('-'));
  if (named.length === 0) return { files: testFilesUnder('test'), nodeArgs };
  if (files.length === 0) throw new Error(`no *.test.ts files in: ${named.join(' ')}`);
  return { files: [...new Set(files)].sort(), nodeArgs };
}

const SLOWEST_FIRST = resolve(root, 'test/slowest-first.txt');

/**
 * `files` in the order node --test starts them: those test/slowest-first.txt lists first, in
 * its order, then the rest by name. Started by name, a long file that came late kept one
 * core busy alone at the end of a phase; started first, it runs beside the many short ones.
 */
function slowestFirst(files: string[]): string[] {
  let listed: string[];
  try {
    listed = readFileSync(SLOWEST_FIRST, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(/\s+/).pop()!);
  } catch {
    return files;
  }
  const rank = new Map(listed.map((f, i) => [f, i]));
  const at = (f: string) => rank.get(f) ?? listed.length;
  return [...files].sort((a, b) => at(a) - at(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The environment every phase starts from: no store selection leaks in from the shell. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^KILN_(DATABASE_URL|BLOB_URL|S3_)/.test(k) || ['KILN_TEST_PG_URL', 'KILN_TEST_S3_ENDPOINT', 'KILN_TEST_STACK', PG_TEMPLATE_ENV].includes(k))
      delete env[k];
  }
  if (requireStacks) env.KILN_TEST_REQUIRE_STACKS = '1';
  // The AWS SDK warns on every process under node < 22; the tests and kiln use it a lot.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return env;
}

const SUMMARY = /^ℹ (pass|fail|cancelled|skipped|todo) (\d+)\s*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes start with ESC
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * How many test files run at once. On 2 cores the suite is CPU-bound (each file loads
 * TypeScript, starts `kiln` processes, runs qemu-img or Chromium): a third file at once ran
 * a 14-file set no faster (README, Tests). KILN_TEST_CONCURRENCY overrides it: 1 tells a
 * slow file from a crowded machine, more suits a machine with more cores.
 */
const DEFAULT_CONCURRENCY = 2;

function testConcurrency(): number {
  const raw = process.env.KILN_TEST_CONCURRENCY?.trim();
  if (!raw) return DEFAULT_CONCURRENCY;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`KILN_TEST_CONCURRENCY must be a whole number of files, 1 or more, not "${raw}"`);
  return n;
}

const runFiles = resolve(root, 'test/support/run-files.ts');
/** How many of a phase's slowest files are printed after it. */
const SLOWEST_SHOWN = 20;

/** The phase's slowest files, from the file-times reporter's lines. */
function slowestFiles(timesFile: string, concurrency: number): string {
  let lines: string[];
  try {
    lines = readFileSync(timesFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return '';
  }
  const times = lines.map((l) => JSON.parse(l) as { file: string; ms: number }).sort((a, b) => b.ms - a.ms);
  const shown = times.slice(0, SLOWEST_SHOWN).map((t) => `  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${toRepoPath(t.file)}`);
  return shown.length > 0 ? `slowest files (summed test time; ${concurrency} run at once):\n${shown.join('\n')}\n` : '';
}

async function runPhase(label: string, files: string[], nodeArgs: string[], env: NodeJS.ProcessEnv, concurrency: number): Promise<void> {
  const started = Date.now();
  const timesDir = mkdtempSync(join(tmpdir(), 'kiln-test-times-'));
  const timesFile = join(timesDir, 'times.jsonl');
  process.stdout.write(`\n=== ${label}: ${files.length} file${files.length === 1 ? '' : 's'} ===\n`);
  const seen: Record<string, number> = {};
  let pending = '';
  const take = (line: string) => {
    const m = SUMMARY.exec(line.replace(ANSI, ''));
    if (m) seen[m[1]!] = Number(m[2]); // the run's summary comes last: the last value wins
  };
  const code = await new Promise<number>((ok) => {
    // run-files.ts rather than `node --test`, whose node 20 CLI would start the files by name.
    child = spawn(process.execPath, ['--import', 'tsx', runFiles, String(concurrency), timesFile, ...nodeArgs, '--', ...slowestFirst(files)], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d: Buffer) => {
      process.stdout.write(d);
      pending += d.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) take(l);
    });
    child.once('error', (e) => {
      process.stderr.write(`${label}: could not run node: ${String(e)}\n`);
      ok(127);
    });
    child.once('close', (c, signal) => {
      if (pending) take(pending);
      ok(c ?? (signal ? 128 : 1));
    });
  });
  child = undefined;
  const c: Counts = {
    passed: seen.pass ?? 0,
    failed: (seen.fail ?? 0) + (seen.cancelled ?? 0),
    skipped: (seen.skipped ?? 0) + (seen.todo ?? 0),
  };
  if (code !== 0 && c.failed === 0 && !interrupted) {
    // node failed without a failing test to show for it (crash, bad flag, no summary).
    c.failed = 1;
    problems.push(`${label}: the test runner exited ${code} without reporting a failed test`);
  }
  if (code !== 0 || c.failed > 0) failedRun = true;
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(slowestFiles(timesFile, concurrency));
  rmSync(timesDir, { recursive: true, force: true });
  process.stdout.write(`=== ${label}: pass ${c.passed}, fail ${c.failed}, skipped ${c.skipped} (exit ${code}, ${secs} s) ===\n`);
}

/**
 * The tests spawn `kiln` from the compiled dist/ (test/support/kiln-bin.ts refuses a stale
 * one), so every run compiles it from the sources it tests, once, before any test starts.
 */
async function buildDist(): Promise<boolean> {
  const code = await new Promise<number>((ok) => {
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (e) => {
      process.stderr.write(`build: could not run node: ${String(e)}\n`);
      ok(127);
    });
    child.once('close', (c) => ok(c ?? 1));
  });
  child = undefined;
  return code === 0;
}

/** A backend stack that was not tested: loud, and a failure when stacks are required. */
function stackNotTested(what: string, why: string[]): void {
  const lines = [
    `STACK NOT TESTED: ${what}`,
    ...why,
    requireStacks
      ? 'CI=true / KILN_TEST_REQUIRE_STACKS=1: this FAILS the run.'
      : 'Not a failure here; under CI=true or KILN_TEST_REQUIRE_STACKS=1 it would be.',
  ];
  process.stdout.write(`\n${loudBlock(lines)}\n`);
  problems.push(loudBlock(lines));
  if (requireStacks) {
    failedRun = true;
    total.failed += 1;
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = Date.now();
  const v = await fn();
  return [v, (Date.now() - t0) / 1000];
}

/** The directories whose files run on both stacks, unless a file declares itself stack-neutral. */
const BOTH_STACKS_DIRS = ['test/core/', 'test/integration/', 'test/contract/', 'test/sdk/', 'test/cli/', 'test/console/'];

/**
 * `// stack-neutral: WHY` on a line of its own: the file tests what no store decides (a
 * client with no server, or answers refused before any store is read or written), so phase 2
 * would run it again to prove nothing new. Such a file runs in phase 1 only and is listed
 * with its reason; it is left out by this rule, never skipped, so a stack-neutral file
 * cannot hide a test from either stack's count.
 */
const STACK_NEUTRAL = /^\/\/ stack-neutral: (\S.*)$/m;
/**
 * A file that builds stores or asks for a backend is about storage by construction; the
 * marker on one is a mistake the runner refuses rather than a file it quietly leaves out.
 */
const STORAGE_HELPERS = /from '\.\.\/support\/(stacks|backend-suite|kiln-stores|core-kiln|s3-test-bucket|postgres-server|moto-server)\.ts'/;

/** The phase-2 files, and those left out of it as stack-neutral (with why). */
function bothStacksSelection(files: string[]): { run: string[]; neutral: Array<{ file: string; why: string }> } {
  const run: string[] = [];
  const neutral: Array<{ file: string; why: string }> = [];
  for (const file of files.filter((f) => BOTH_STACKS_DIRS.some((dir) => f.startsWith(dir)))) {
    const text = readFileSync(resolve(root, file), 'utf8');
    const why = STACK_NEUTRAL.exec(text)?.[1];
    if (why === undefined) {
      run.push(file);
      continue;
    }
    if (STORAGE_HELPERS.test(text)) throw new Error(`${file} says "stack-neutral" but imports a storage helper: it belongs on both stacks`);
    neutral.push({ file, why: why.trim() });
  }
  return { run, neutral };
}

async function stackPhase(files: string[], nodeArgs: string[], concurrency: number): Promise<void> {
  const label = 'phase 2/2 pg-s3 (PostgreSQL + S3)';
  if (files.length === 0) {
    process.stdout.write(
      `\n=== ${label}: no test/core, test/integration, test/contract, test/sdk, test/cli or test/console files selected (stack-neutral ones run in phase 1 only); nothing to run ===\n`,
    );
    return;
  }
  const env = baseEnv();
  env.KILN_TEST_STACK = 'pg-s3';
  let pgUrl = process.env.KILN_TEST_PG_URL?.trim();
  let s3 = process.env.KILN_TEST_S3_ENDPOINT?.trim();
  const missing: string[] = [];
  const failures: string[] = [];
  await Promise.all([
    (async () => {
      if (pgUrl) return void process.stdout.write(`using PostgreSQL at KILN_TEST_PG_URL=${pgUrl}\n`);
      try {
        const [pg, secs] = await timed(startPostgres);
        cleanups.push(pg.stop);
        pgUrl = pg.adminUrl;
        process.stdout.write(`PostgreSQL up in ${secs.toFixed(1)} s at ${pg.adminUrl} (data in ${pg.dir})\n`);
      } catch (e) {
        (/not found/.test(String(e)) ? missing : failures).push(`PostgreSQL: ${e instanceof Error ? e.message : String(e)}`);
      }
    })(),
    (async () => {
      if (s3) return void process.stdout.write(`using S3 at KILN_TEST_S3_ENDPOINT=${s3}\n`);
      try {
        const [moto, secs] = await timed(startMoto);
        cleanups.push(moto.stop);
        s3 = moto.endpoint;
        Object.assign(env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
        for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3']) delete env[k];
        process.stdout.write(`moto S3 up in ${secs.toFixed(1)} s at ${moto.endpoint}\n`);
      } catch (e) {
        (/not found/.test(String(e)) ? missing : failures).push(`S3 (moto): ${e instanceof Error ? e.message : String(e)}`);
      }
    })(),
  ]);
  if (failures.length > 0) {
    // Installed but would not start: always a failure, never a skip.
    failedRun = true;
    total.failed += 1;
    const block = loudBlock([`${label} FAILED: a server would not start`, ...failures.flatMap((f) => f.split('\n'))]);
    process.stdout.write(`\n${block}\n`);
    problems.push(block);
    return;
  }
  if (missing.length > 0 || !pgUrl || !s3) {
    stackNotTested(`PostgreSQL + S3 (${files.length} files did not run on it)`, missing);
    return;
  }
  if (interrupted) return;
  env.KILN_TEST_PG_URL = pgUrl;
  env.KILN_TEST_S3_ENDPOINT = s3;
  const template = await migratedTemplate(pgUrl);
  if (template) env[PG_TEMPLATE_ENV] = template.name;
  try {
    await runPhase(label, files, nodeArgs, env, concurrency);
  } finally {
    await template?.drop().catch(() => {});
  }
}

/**
 * The database each `kiln` process of the phase copies instead of migrating an empty one;
 * without it (it would not migrate) they start empty and migrate themselves, as before.
 */
async function migratedTemplate(adminUrl: string): Promise<PgTemplate | undefined> {
  try {
    const [template, secs] = await timed(() => makeMigratedTemplate(adminUrl));
    process.stdout.write(`migrated template database ${template.name} in ${secs.toFixed(1)} s (each kiln process gets a copy)\n`);
    return template;
  } catch (e) {
    process.stdout.write(`no migrated template database (${e instanceof Error ? e.message : String(e)}); every database starts empty\n`);
    return undefined;
  }
}

async function stopServers(): Promise<void> {
  const all = cleanups.splice(0);
  await Promise.allSettled(all.map((stop) => stop()));
}

function finish(code: number): never {
  if (problems.length > 0) process.stdout.write(`\n${problems.join('\n')}\n`);
  process.stdout.write(`\ntotal: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  process.exit(code);
}

let interrupted: NodeJS.Signals | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) {
      // Second signal: do not wait for the phase to wind down.
      void stopServers().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      return;
    }
    interrupted = signal;
    process.stderr.write(`\n${signal}: stopping tests and servers\n`);
    child?.kill(signal);
    // main() notices, stops the servers and prints the total; this is the backstop.
    setTimeout(() => void stopServers().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143)), 30_000).unref();
  });
}

function finishInterrupted(): never {
  problems.push(`interrupted by ${interrupted}`);
  total.failed += 1;
  finish(interrupted === 'SIGINT' ? 130 : 143);
}

async function main(): Promise<void> {
  let files: string[];
  let nodeArgs: string[];
  let concurrency: number;
  try {
    ({ files, nodeArgs } = parseArgs(process.argv.slice(2)));
    concurrency = testConcurrency();
  } catch (e) {
    problems.push(`run-tests: ${e instanceof Error ? e.message : String(e)}`);
    total.failed += 1;
    finish(2);
  }
  if (files.length === 0) {
    problems.push('run-tests: no *.test.ts files under test/');
    total.failed += 1;
    finish(1);
  }
  let selection: ReturnType<typeof bothStacksSelection>;
  try {
    selection = bothStacksSelection(files);
  } catch (e) {
    problems.push(`run-tests: ${e instanceof Error ? e.message : String(e)}`);
    total.failed += 1;
    finish(2);
  }
  if (!(await buildDist())) {
    problems.push('run-tests: `npm run build` failed (output above); the tests spawn kiln from dist/');
    total.failed += 1;
    finish(1);
  }
  const embeddedEnv = baseEnv();
  embeddedEnv.KILN_TEST_STACK = 'embedded';
  await runPhase('phase 1/2 embedded (SQLite + local dir)', files, nodeArgs, embeddedEnv, concurrency);
  if (interrupted) finishInterrupted();
  try {
    // test/core drives the services on the stack's stores; test/sdk and test/cli run the SDK and
    // the user CLI against real servers, test/console the web console in Chromium (its sessions
    // live in the metadata store): all of them belong on both stacks, but for stack-neutral files.
    const { run, neutral } = selection;
    if (neutral.length > 0) {
      const shown = neutral.map((n) => `  ${n.file}: ${n.why}`).join('\n');
      process.stdout.write(`\nstack-neutral, phase 1 only (${neutral.length}):\n${shown}\n`);
    }
    await stackPhase(run, nodeArgs, concurrency);
  } finally {
    await stopServers();
  }
  if (interrupted) finishInterrupted();
  finish(failedRun ? 1 : 0);
}

main().catch(async (e: unknown) => {
  await stopServers();
  problems.push(`run-tests crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  total.failed += 1;
  finish(1);
});
