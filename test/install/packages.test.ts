/**
 * The packages as a user gets them: `npm pack` tarballs of kiln-images (the CLI and
 * server) and kiln-images-sdk, installed into a clean prefix and a clean project outside
 * the checkout, then used against a real `kiln serve`.
 *
 * Installs use --prefer-offline (the npm cache `npm ci` filled) and --ignore-scripts: the
 * only install script is better-sqlite3's native build, which takes minutes from source
 * and which the user commands never load (they talk HTTP), so a user CLI that reached for
 * it would fail here. Packing also skips scripts: `npm test` has just built dist/ (the
 * fingerprint check in builtKilnBin says so), and rebuilding it would pull it from under
 * the kiln processes of the tests running beside this one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../../scripts/build-fingerprint.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import { builtKilnBin } from '../support/kiln-bin.ts';
import { KilnProcess } from '../support/kiln-process.ts';

const MiB = 1024 * 1024;
const files = new FileServer();
let kiln: KilnProcess;
let dir: string;
let prefix: string;
let tarballs: { cli: string; sdk: string };
let keys: { publicKey: string; privateKey: string };
let version: string;

const NETWORK_ENV = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command outside the checkout, with only the environment a user's shell would have. */
function sh(file: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((ok) => {
    // HOME stays the user's: npm's configuration and cache (the one `npm ci` filled) live there.
    const base: Record<string, string> = { PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? dir };
    // So do the shell's proxy and CA settings: without them npm cannot verify a TLS-inspecting
    // proxy, and every manifest the cache lacks (other platforms' optional binaries) fails and
    // is retried with backoff; that made one install take 7 minutes instead of under one.
    for (const k of NETWORK_ENV) {
      const v = process.env[k];
      if (v !== undefined) base[k] = v;
    }
    execFile(file, args, { cwd, env: { ...base, ...env }, timeout: 600_000, maxBuffer: 16 * MiB }, (e, stdout, stderr) => {
      const code = e === null ? 0 : typeof e.code === 'number' ? e.code : 1;
      ok({ code, stdout, stderr: e && typeof e.code !== 'number' ? `${stderr}\n${e.message}` : stderr });
    });
  });
}

async function pack(workspace: string[]): Promise<string> {
  const r = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir, ...workspace], repoRoot);
  assert.equal(r.code, 0, r.stderr);
  const [info] = JSON.parse(r.stdout) as Array<{ filename: string }>;
  assert.ok(info, r.stdout);
  return join(dir, info.filename);
}

before(async () => {
  builtKilnBin(); // refuses a dist/ built from other sources: that is what gets packed
  dir = await mkdtemp(join(tmpdir(), 'kiln-install-'));
  prefix = join(dir, 'prefix');
  version = (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const [cli, sdk] = await Promise.all([pack([]), pack(['-w', 'packages/sdk'])]);
  tarballs = { cli, sdk };
  await files.start();
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}` });
  keys = await kiln.credentials();
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

const npmInstall = ['--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'];

test('npm install -g of the tarball puts a kiln that works from any folder', async () => {
  const r = await sh('npm', ['install', '-g', '--prefix', prefix, ...npmInstall, tarballs.cli], dir);
  assert.equal(r.code, 0, r.stderr);
  const installed = join(prefix, 'lib/node_modules/kiln-images');
  assert.ok(existsSync(join(installed, 'dist/cli/main.js')), 'the compiled CLI is in the package');
  assert.ok(!existsSync(join(installed, 'src')), 'the TypeScript sources are not shipped');
  assert.ok(!existsSync(join(installed, 'node_modules/tsx')), 'tsx is for development only');

  const elsewhere = join(dir, 'elsewhere');
  await mkdir(elsewhere);
  const v = await sh('kiln', ['--version'], elsewhere);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout.trim(), version);

  const disk = join(dir, 'disk.raw');
  await writeSparseDisk(disk, 4 * MiB, [{ offset: MiB, length: 64 * 1024, seed: 3 }]);
  // No profile file to find: the keys come from the environment, as a script's would.
  const user = { KILN_URL: kiln.baseUrl, KILN_PUBLIC_KEY: keys.publicKey, KILN_PRIVATE_KEY: keys.privateKey, KILN_CONFIG: join(dir, 'no-profile.json') };
  const imported = await sh(
    'kiln',
    ['images', 'import', files.serve('disk.raw', disk), '--format', 'raw', '--name', 'installed-cli', '--wait'],
    elsewhere,
    user,
  );
  assert.equal(imported.code, 0, imported.stderr);
  const id = imported.stdout.trim();
  assert.match(id, /^uimage-/);
  const list = await sh('kiln', ['images', 'list'], elsewhere, user);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`^${id}\\s+installed-cli\\s+Available\\s`, 'm'));
});

test('npm install of the SDK tarball gives a project typed clients that run under plain Node', async () => {
  const project = join(dir, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'uses-kiln', private: true, type: 'module' }));
  const r = await sh('npm', ['install', ...npmInstall, tarballs.sdk], project);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(project, 'node_modules/kiln-images-sdk/dist/index.d.ts')), 'the declarations are shipped');
  await writeFile(
    join(project, 'list.js'),
    `import { UHostClient } from 'kiln-images-sdk';
const uhost = new UHostClient({ endpoint: process.env.KILN_URL, publicKey: process.env.KILN_PUBLIC_KEY, privateKey: process.env.KILN_PRIVATE_KEY, region: 'cn-bj2' });
const { TotalCount } = await uhost.describeImage({ ImageType: 'Base', Limit: 1 });
console.log('base images:', TotalCount);`,
  );
  const run = await sh(process.execPath, ['list.js'], project, { KILN_URL: kiln.baseUrl, KILN_PUBLIC_KEY: keys.publicKey, KILN_PRIVATE_KEY: keys.privateKey });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^base images: \d+$/m);
});
