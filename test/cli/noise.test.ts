/**
 * What a user sees besides what they asked for (kept to what helps): a second `kiln serve` on a
 * taken port says so in one line; commands that build an S3 client print no AWS SDK
 * notice; `npm ci` has no package whose engines refuse the Node versions Kiln supports.
 * The test harness silences the SDK notice for every process it starts, so these tests
 * take that variable out again: they show what a user's shell gets.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import semver from 'semver';
import { currentStack } from '../support/stacks.ts';
import { KilnProcess } from '../support/kiln-process.ts';

const root = resolve(import.meta.dirname, '../..');
const QUIET = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
let kiln: KilnProcess;

before(async () => {
  kiln = await KilnProcess.start();
});

after(async () => {
  await kiln?.stop();
});

/** A user's environment: the harness's SDK silencer removed. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[QUIET];
  return { ...env, ...extra };
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Bounded: a second server that did not notice the port is taken would run forever.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

test('a second kiln serve on the same port and stores exits 1 with one line saying the port is in use', async () => {
  const r = await run([join(root, 'bin/kiln.js'), 'serve'], userEnv(kiln.env));
  assert.equal(r.code, 1, r.stderr);
  assert.equal(
    r.stderr,
    `kiln: cannot listen on 127.0.0.1:${kiln.port}: the port is in use (another kiln serve, or another program, listens there); stop it or set KILN_PORT\n`,
  );
  assert.equal(r.stdout, '', 'the admin exists: nothing else to say');
  // The first server is unharmed.
  assert.equal((await fetch(`${kiln.baseUrl}/healthz`)).status, 200);
});

test(`kiln gc prints its answer and nothing on stderr (${currentStack()} stack)`, async () => {
  const r = await run([join(root, 'bin/kiln.js'), 'gc', '--json'], userEnv(kiln.env));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.ok(JSON.parse(r.stdout));
});

test('building the S3 client prints no AWS SDK Node version notice, and an operator may still ask for it', async () => {
  const script = `
    import { makeS3Client } from './src/store/blob/s3-client.ts';
    makeS3Client({ kind: 's3', bucket: 'b', prefix: '', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, maxAttempts: 1, maxConcurrency: 1, conditionalPut: true, retryWindowMs: 1000 });
    process.stdout.write('built');
  `;
  const quiet = await run(['--import', 'tsx', '--input-type=module', '-e', script], userEnv({}));
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stdout, 'built');
  assert.equal(quiet.stderr, '');
  if (semver.major(process.version) < 22) {
    // The notice is still the SDK's: an operator's own setting is kept.
    const asked = await run(['--import', 'tsx', '--input-type=module', '-e', script], userEnv({ [QUIET]: 'false' }));
    assert.match(asked.stderr, /NodeVersionSupportWarning/);
  }
});

test('no locked package refuses a Node version that package.json engines accepts (npm ci EBADENGINE)', async () => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: unknown }> };
  const lowest = semver.minVersion(pkg.engines.node)!.version;
  const refusing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const engines = entry.engines;
    // Some old packages list engines as an array; npm only checks the object form.
    if (engines === null || typeof engines !== 'object' || Array.isArray(engines)) continue;
    const node = (engines as { node?: unknown }).node;
    if (typeof node !== 'string') continue;
    for (const version of [lowest, process.version]) {
      if (!semver.satisfies(version, node, { includePrerelease: true })) refusing.push(`${path} wants node ${node}, not ${version}`);
    }
  }
  assert.deepEqual(refusing, []);
});
