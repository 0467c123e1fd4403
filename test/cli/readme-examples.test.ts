/**
 * The README's "Use it from TypeScript" and "Use it from the shell" examples, run as
 * written against a real `kiln serve` (they read KILN_URL, the keys and DISK_URL from
 * the environment), so the README cannot drift from what works.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { assertSameBytes, writeSparseDisk } from '../support/disk-files.ts';
import { QEMU_IMG } from '../support/disk-images.ts';
import { FileServer } from '../support/file-server.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { kilnBin } from '../support/user-cli.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;
let kiln: KilnProcess;
const files = new FileServer();
let dir: string;
let env: Record<string, string>;
let oracle: string;

/** The code block right after `<!-- readme-example: LANG ... -->`. */
async function example(lang: 'ts' | 'sh'): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- readme-example: ${lang}[^>]*-->\\n\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(readme);
  assert.ok(m, `README.md has a ${lang} example`);
  return m[1]!;
}

function exec(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`, HOME: dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', fail);
    child.once('close', (code) => ok({ code, out }));
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-readme-'));
  const raw = join(dir, 'disk.raw');
  await writeSparseDisk(raw, 12 * MiB, [
    { offset: MiB, length: 2 * MiB, seed: 21 },
    { offset: 9 * MiB, length: 100_000, seed: 22 },
  ]);
  const qcow2 = join(dir, 'disk.qcow2');
  await run(QEMU_IMG, ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  oracle = raw;
  await files.start();
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}` });
  const c = await kiln.credentials();
  env = {
    KILN_URL: kiln.baseUrl,
    KILN_PUBLIC_KEY: c.publicKey,
    KILN_PRIVATE_KEY: c.privateKey,
    KILN_CONFIG: join(dir, 'config.json'),
    DISK_URL: files.serve('disk.qcow2', qcow2),
  };
  // The examples run where a user's project would: kiln-images-sdk and tsx resolve from node_modules.
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  await (await import('node:fs/promises')).mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'kiln'), `#!/bin/sh\nexec "${process.execPath}" "${kilnBin}" "$@"\n`);
  await chmod(join(dir, 'bin', 'kiln'), 0o755);
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

test('README "Use it from TypeScript" runs as written', async () => {
  const cwd = await mkdtemp(join(dir, 'ts-'));
  await symlink(join(root, 'node_modules'), join(cwd, 'node_modules'));
  await writeFile(join(cwd, 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(join(cwd, 'example.ts'), await example('ts'));
  const r = await exec(process.execPath, ['--import', 'tsx', 'example.ts'], cwd);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /uimage-\S+ web-base Available/);
  assert.match(r.out, /available \d+ of \S+ bytes/);
  assert.match((await run(QEMU_IMG, ['compare', '-f', 'qcow2', '-F', 'raw', join(cwd, 'web-base.qcow2'), oracle])).stdout, /identical/);
});

test('README "Use it from TypeScript" type-checks with the repository tsconfig', async () => {
  const cwd = await mkdtemp(join(dir, 'tsc-'));
  await symlink(join(root, 'node_modules'), join(cwd, 'node_modules'));
  await writeFile(join(cwd, 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(join(cwd, 'example.ts'), await example('ts'));
  // The repository's compiler options (strict and the rest), applied to the example alone.
  await writeFile(join(cwd, 'tsconfig.json'), JSON.stringify({ extends: join(root, 'tsconfig.json'), include: [], files: ['example.ts'] }));
  const r = await exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], cwd);
  assert.equal(r.code, 0, r.out);
});

test('README "Use it from TypeScript" without the keys in the environment says which is missing', async () => {
  const cwd = await mkdtemp(join(dir, 'ts-nokeys-'));
  await symlink(join(root, 'node_modules'), join(cwd, 'node_modules'));
  await writeFile(join(cwd, 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(join(cwd, 'example.ts'), await example('ts'));
  const { KILN_PUBLIC_KEY: _p, KILN_PRIVATE_KEY: _k, ...rest } = env;
  const saved = env;
  env = rest;
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', 'example.ts'], cwd);
    assert.equal(r.code, 1, r.out);
    assert.match(
      r.out,
      /TypeError: UHostClient: option publicKey is required \(the account's PublicKey\), but it is undefined; if it is read from an environment variable, that variable is not set/,
    );
    assert.doesNotMatch(r.out, /cannot send undefined/);
  } finally {
    env = saved;
  }
});

test('README "Use it from the shell" runs as written', async () => {
  const cwd = await mkdtemp(join(dir, 'sh-'));
  const r = await exec('bash', ['-euo', 'pipefail', '-c', await example('sh')], cwd);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /ID\s+NAME\s+STATE\s+SIZE\s+CREATED\n/);
  assert.match(r.out, /"ImageName":"web-base"/);
  assert.match(r.out, /deleted uimage-/);
  await assertSameBytes(join(cwd, 'web-base.raw'), oracle);
  assert.ok((await stat(join(cwd, 'web-base.raw'))).blocks * 512 < 6 * MiB, 'the raw download is sparse');
  assert.match((await run(QEMU_IMG, ['compare', '-f', 'qcow2', '-F', 'raw', join(cwd, 'web-base.qcow2'), oracle])).stdout, /identical/);
});
