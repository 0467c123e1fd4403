/**
 * Setting an installation up: `kiln bootstrap` into a data dir that does not
 * exist yet, on both stacks; on pg-s3, `kiln check` against a role, database and bucket
 * that really are missing (or wrongly set up), and the README's "Running at scale" block
 * run as written against the suite's PostgreSQL and S3 server.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import pg from 'pg';
import { backendSuite } from '../support/backend-suite.ts';
import { freePort } from '../support/kiln-process.ts';
import { motoClient } from '../support/moto-server.ts';
import { currentStack, stackEnvFor, testPostgresUrl, testS3Endpoint, type StackEnv } from '../support/stacks.ts';
import { UCloudTestClient } from '../support/ucloud-client.ts';
import { kilnBin, userCli, type CliResult } from '../support/user-cli.ts';

const root = resolve(import.meta.dirname, '../..');
let dir: string;
const stacks: StackEnv[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-setup-'));
});

after(async () => {
  await Promise.allSettled(stacks.map((s) => s.cleanup()));
});

/** A kiln operator command with only the given environment (no test settings leak in). */
function kiln(args: string[], env: Record<string, string>): Promise<CliResult> {
  return userCli(args, { KILN_LOG_LEVEL: 'warn', ...env });
}

async function freshStack(name: string): Promise<Record<string, string>> {
  const s = await stackEnvFor(name);
  stacks.push(s);
  return s.env;
}

function noStackTrace(r: CliResult): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /, `a plain message, not a stack trace:\n${r.stderr}`);
}

test(`bootstrap into a data dir that does not exist prints the keys, then saves them 0600 (${currentStack()})`, async () => {
  const dataDir = join(dir, 'first', 'not', 'there');
  const env = { ...(await freshStack('scale-setup-bootstrap')), KILN_DATA_DIR: dataDir };
  const first = await kiln(['bootstrap', '--json'], env);
  assert.equal(first.code, 0, first.stderr);
  const printed = JSON.parse(first.stdout) as { created: boolean; publicKey: string; privateKey: string; credentialsFile: string };
  assert.equal(printed.created, true);
  assert.match(printed.privateKey, /^[0-9a-f]{64}$/);
  assert.equal(printed.credentialsFile, join(dataDir, 'credentials.json'));
  const saved = JSON.parse(await readFile(printed.credentialsFile, 'utf8')) as Record<string, string>;
  assert.deepEqual(saved, { publicKey: printed.publicKey, privateKey: printed.privateKey });
  assert.equal((await stat(printed.credentialsFile)).mode & 0o777, 0o600);
  assert.deepEqual(
    (await readdir(dataDir)).filter((f) => f.includes('.tmp')),
    [],
    'no temp file is left behind',
  );

  const second = await kiln(['bootstrap', '--json'], env);
  assert.equal(second.code, 0, second.stderr);
  const again = JSON.parse(second.stdout) as { created: boolean; hint: string };
  assert.equal(again.created, false);
  assert.match(again.hint, /kiln account keys create admin/);
  const more = await kiln(['account', 'keys', 'create', 'admin', '--json'], env);
  assert.equal(more.code, 0, more.stderr);
  assert.notEqual((JSON.parse(more.stdout) as { publicKey: string }).publicKey, printed.publicKey);

  const checked = await kiln(['check', '--json'], env);
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  const report = JSON.parse(checked.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
  assert.deepEqual(
    report.checks.map((c) => [c.name, c.ok]),
    [
      ['database', true],
      ['chunk store', true],
      ['round trip', true],
      ['master key', true],
    ],
  );
  assert.match(report.checks[0]!.detail, /schema up to date/);
});

test(`a credentials.json that cannot be written costs the file, never the keys (${currentStack()})`, async () => {
  const dataDir = join(dir, 'blocked');
  // A directory where the file goes: the temp file is written, the rename over it fails.
  await mkdir(join(dataDir, 'credentials.json'), { recursive: true });
  const env = { ...(await freshStack('scale-setup-blocked')), KILN_DATA_DIR: dataDir };
  const r = await kiln(['bootstrap', '--json'], env);
  assert.equal(r.code, 1, r.stdout);
  const printed = JSON.parse(r.stdout.trim().split('\n')[0]!) as { created: boolean; publicKey: string; privateKey: string };
  assert.equal(printed.created, true);
  assert.match(r.stderr, /could not be saved to .*credentials\.json.*\n\s+fix: .*kiln account keys create admin/);
  noStackTrace(r);
  assert.deepEqual(
    (await readdir(dataDir)).filter((f) => f.includes('.tmp')),
    [],
  );
  // The printed pair belongs to the admin in the store: revoking it finds it.
  const revoke = await kiln(['account', 'keys', 'revoke', printed.publicKey], env);
  assert.equal(revoke.code, 0, revoke.stderr);
});

backendSuite('postgres', 'on PostgreSQL and S3', () => {
  let admin: pg.Client;
  let adminUrl: URL;
  let endpoint: string;
  let hbaFile = '';
  let hbaBefore = '';
  const hex = randomBytes(4).toString('hex');
  const role = `kiln_chk_${hex}`;
  const database = `kiln_chk_${hex}`;
  const bucket = `kiln-chk-${hex}`;
  const children: ChildProcess[] = [];

  async function sql(text: string): Promise<void> {
    await admin.query(text);
  }

  before(async () => {
    adminUrl = new URL(testPostgresUrl()!);
    endpoint = testS3Endpoint()!;
    admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    hbaFile = (await admin.query<{ hba_file: string }>('SHOW hba_file')).rows[0]!.hba_file;
    hbaBefore = await readFile(hbaFile, 'utf8');
    await requirePassword('kiln');
    await dropReadmeInstallation();
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null && c.pid !== undefined) process.kill(-c.pid, 'SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((ok) => c.once('close', ok)) : undefined)));
    await dropReadmeInstallation().catch(() => {});
    await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await sql(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
    await removeBucket(bucket).catch(() => {});
    if (hbaFile) {
      await writeFile(hbaFile, hbaBefore);
      await sql('SELECT pg_reload_conf()').catch(() => {});
    }
    await admin?.end();
  });

  /**
   * The suite's server trusts every local login; a role named here must give its
   * password, so a wrong one is refused as on a real installation. Waits until the
   * server has reloaded its pg_hba.conf.
   */
  async function requirePassword(name: string): Promise<void> {
    const current = await readFile(hbaFile, 'utf8');
    await writeFile(hbaFile, `host all ${name} 127.0.0.1/32 scram-sha-256\n${current}`);
    await sql('SELECT pg_reload_conf()');
    const probe = `postgres://${name}:not-the-password@127.0.0.1:${adminUrl.port}/postgres`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const c = new pg.Client({ connectionString: probe });
      c.on('error', () => {});
      const refusedForPassword = await c.connect().then(
        () => false,
        (e: unknown) => (e as { code?: string }).code === '28P01',
      );
      await c.end().catch(() => {});
      if (refusedForPassword) return;
      if (Date.now() > deadline) assert.fail(`PostgreSQL did not start asking ${name} for a password`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }

  async function dropReadmeInstallation(): Promise<void> {
    await sql('DROP DATABASE IF EXISTS kiln WITH (FORCE)');
    await sql('DROP ROLE IF EXISTS kiln');
    await removeBucket('kiln-images');
  }

  async function removeBucket(name: string): Promise<void> {
    const s3 = motoClient(endpoint);
    try {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: name })).catch(() => undefined);
      if (!page) return;
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: keys } }));
      await s3.send(new DeleteBucketCommand({ Bucket: name }));
    } finally {
      s3.destroy();
    }
  }

  function envFor(password: string): Record<string, string> {
    return {
      KILN_DATABASE_URL: `postgres://${role}:${password}@127.0.0.1:${adminUrl.port}/${database}`,
      KILN_BLOB_URL: `s3://${bucket}`,
      KILN_S3_ENDPOINT: endpoint,
      KILN_S3_REGION: 'us-east-1',
      // A refused bucket is not an outage worth waiting for here.
      KILN_S3_MAX_ATTEMPTS: '1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      KILN_DATA_DIR: join(dir, 'check'),
    };
  }

  async function check(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
    const r = await kiln(['check'], env);
    noStackTrace(r);
    return { code: r.code, out: r.stdout };
  }

  test('kiln check says what is missing and the command that fixes it', async () => {
    const env = envFor('right-password');

    let r = await check(env);
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`FAIL database: .*role "${role}" does not exist[^\\n]*\\n\\s+fix: .*CREATE ROLE \\\\"${role}\\\\" LOGIN PASSWORD`));
    assert.match(r.out, new RegExp(`FAIL chunk store: .*"${bucket}".*the bucket does not exist\\n\\s+fix: kiln bucket create`));
    const noRole = await kiln(['migrate'], env);
    assert.equal(noRole.code, 1);
    assert.match(noRole.stderr, /role .* does not exist[^\n]*\n\s+fix: /);
    noStackTrace(noRole);

    await sql(`CREATE ROLE ${role} LOGIN PASSWORD 'right-password'`);
    r = await check(env);
    assert.match(r.out, new RegExp(`FAIL database: .*database "${database}" does not exist.*\\n\\s+fix: .*CREATE DATABASE "${database}" OWNER "${role}"`));

    // Owned by the superuser: since PostgreSQL 15 other roles may not create tables in it.
    await sql(`CREATE DATABASE ${database}`);
    r = await check(env);
    assert.match(r.out, new RegExp(`FAIL database: .*may not create tables.*\\n\\s+fix: .*ALTER DATABASE "${database}" OWNER TO "${role}"`));

    await sql(`ALTER DATABASE ${database} OWNER TO ${role}`);
    r = await check(env);
    assert.match(r.out, /ok {3}database: .*migrations due/);
    // The schema needs the database only: the bucket is still missing.
    const migrated = await kiln(['migrate', '--json'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.ok((JSON.parse(migrated.stdout) as { applied: string[] }).applied.length > 0);

    await requirePassword(role);
    r = await check(envFor('wrong-password'));
    assert.match(r.out, new RegExp(`FAIL database: .*password authentication failed for role "${role}".*\\n\\s+fix: .*KILN_DATABASE_URL`));

    // The fix the first check printed, as printed; the right password is let in below.
    const made = await kiln(['bucket', 'create'], env);
    assert.equal(made.code, 0, made.stderr);
    r = await check(env);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /ok {3}database: .*schema up to date/);
    assert.match(r.out, /ok {3}round trip: .*put, get and delete/);
  });

  test('the README "Running at scale" block runs as written', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const block = /<!-- scale-setup -->\n```sh\n([\s\S]*?)\n```\n/.exec(readme)?.[1];
    assert.ok(block, 'README.md has the scale-setup block');
    const base = join(dir, 'readme');
    const dataDir = join(base, 'var', 'kiln');
    const ours = block
      .replaceAll('db.internal', '127.0.0.1')
      .replaceAll('5432', adminUrl.port)
      .replaceAll('https://s3.internal:9000', endpoint)
      .replaceAll('/etc/kiln/', `${base}/etc/`)
      .replaceAll('/var/lib/kiln', dataDir)
      .replaceAll('0.0.0.0', '127.0.0.1');
    const bin = join(base, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'kiln'), `#!/bin/sh\nexec "${process.execPath}" "${kilnBin}" "$@"\n`);
    await chmod(join(bin, 'kiln'), 0o755);
    const port = await freePort();
    const shellEnv = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: base, KILN_PORT: String(port) };

    const exports: string[] = [];
    const outputs = new Map<string, string>();
    let serve: { out: () => string } | undefined;
    let worker: { out: () => string } | undefined;
    for (const line of ours.split('\n')) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      if (line.startsWith('export ')) {
        exports.push(line);
        continue;
      }
      const script = [...exports, line].join('\n');
      if (/\bkiln (serve|worker)\b/.test(line)) {
        const started = startLongRunning(script, shellEnv);
        if (line.includes('kiln serve')) serve = started;
        else worker = started;
        continue;
      }
      const r = await shell(script, shellEnv);
      assert.equal(r.code, 0, `${line}\n${r.out}${r.err}`);
      outputs.set(line.replace(/\s+#.*$/, '').trim(), r.out);
    }

    assert.doesNotMatch(outputs.get('kiln check') ?? 'missing', /FAIL/);
    const keys = JSON.parse(outputs.get('kiln bootstrap --json') ?? '{}') as { created: boolean; publicKey: string; privateKey: string };
    assert.equal(keys.created, true);
    assert.equal((await stat(join(dataDir, 'credentials.json'))).mode & 0o777, 0o600);
    assert.ok(serve && worker, 'the block starts an API process and a worker');

    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
      () => serve!.out(),
    );
    await waitFor(
      async () => /kiln worker running/.test(worker!.out()),
      () => worker!.out(),
    );
    const client = new UCloudTestClient({ baseUrl: `http://127.0.0.1:${port}`, publicKey: keys.publicKey, privateKey: keys.privateKey, region: 'cn-bj2' });
    const listed = await client.call('DescribeImage', { Limit: 5 });
    assert.equal(listed.body.RetCode, 0, JSON.stringify(listed.body));

    // What the README says of the key layout: s3://kiln-images stores kiln-images/chunks/<sha256>.
    const disk = join(base, 'base.raw');
    await writeFile(disk, randomBytes(64 * 1024));
    const added = await shell([...exports, `kiln image add-base ${disk} --name base --os-type Linux --json`].join('\n'), shellEnv);
    assert.equal(added.code, 0, added.out + added.err);
    const s3 = motoClient(endpoint);
    try {
      const objects = (await s3.send(new ListObjectsV2Command({ Bucket: 'kiln-images' }))).Contents ?? [];
      assert.ok(objects.length > 0);
      for (const o of objects) assert.match(o.Key ?? '', /^chunks\/b3:[0-9a-f]{64}$/);
    } finally {
      s3.destroy();
    }
  });

  function shell(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((ok, fail) => {
      const child = spawn('sh', ['-ec', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('error', fail);
      child.once('close', (code) => ok({ code, out, err }));
    });
  }

  function startLongRunning(script: string, env: Record<string, string>): { out: () => string } {
    // Its own process group: the signal in after() reaches kiln, not only the shell.
    const child = spawn('sh', ['-ec', script], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    return { out: () => out };
  }

  async function waitFor(cond: () => Promise<boolean>, output: () => string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await cond())) {
      if (Date.now() > deadline) assert.fail(`not ready within 30 s:\n${output()}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
});
