// The test harness's own servers: a real PostgreSQL and a real moto S3 server, started,
// used and stopped; and the stack protocol (stacks.ts) against them. Skipped loudly when
// the binaries are missing; failed instead under KILN_TEST_REQUIRE_STACKS=1.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import pg from 'pg';
import { createBucket, findMotoServer, motoClient, startMoto, type MotoServer } from '../../support/moto-server.ts';
import { createDatabase, dropDatabase, findPostgresBinDir, startPostgres, type PostgresServer } from '../../support/postgres-server.ts';
import { requireBackend, skipOrFail, stackEnvFor } from '../../support/stacks.ts';

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Runs fn with process.env patched (undefined deletes), then restores it. */
async function withEnv<T>(patch: Record<string, string | undefined>, fn: () => Promise<T> | T): Promise<T> {
  const saved = Object.fromEntries(Object.keys(patch).map((k) => [k, process.env[k]]));
  const apply = (p: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(patch);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** Runs fn with stderr swallowed (the skips below are deliberate; their banners would mislead). */
function muted<T>(fn: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
  }
}

const pgMissing = findPostgresBinDir() === null ? "PostgreSQL binaries (initdb, pg_ctl, postgres) not found: install Debian's postgresql package" : false;
const motoMissing = findMotoServer() === null ? 'moto_server not found (PATH, ~/.pyenv/shims)' : false;

describe('startPostgres', () => {
  let server: PostgresServer | undefined;
  after(async () => server?.stop());

  test('starts a server that creates, serves and drops a database', async (t) => {
    if (pgMissing) return void t.skip(skipOrFail(pgMissing).skip);
    const t0 = Date.now();
    server = await startPostgres();
    t.diagnostic(`PostgreSQL up in ${Date.now() - t0} ms at ${server.adminUrl}`);
    assert.match(server.adminUrl, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);

    const url = await createDatabase(server.adminUrl, 'kiln_harness');
    assert.match(url, /\/kiln_harness$/);
    await query(url, 'CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
    await query(url, 'INSERT INTO t VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
    assert.deepEqual(await query(url, 'SELECT v FROM t ORDER BY id'), [{ v: 'a' }, { v: 'b' }]);

    const [settings] = await query<Record<string, string>>(
      server.adminUrl,
      "SELECT current_setting('fsync') AS fsync, current_setting('max_connections') AS max, current_user AS who",
    );
    assert.deepEqual(settings, { fsync: 'off', max: '400', who: 'postgres' });

    // Dropping works while a client is still connected.
    const held = new pg.Client({ connectionString: url });
    held.on('error', () => {});
    await held.connect();
    await dropDatabase(server.adminUrl, 'kiln_harness');
    await held.end().catch(() => {});
    assert.deepEqual(await query(server.adminUrl, "SELECT datname FROM pg_database WHERE datname = 'kiln_harness'"), []);
  });

  test('stop() stops the server and removes its dir', async (t) => {
    if (pgMissing || !server) return void t.skip(pgMissing || 'no server (previous test failed)');
    const { dir, adminUrl } = server;
    await server.stop();
    server = undefined;
    assert.equal(existsSync(dir), false);
    await assert.rejects(query(adminUrl, 'SELECT 1'));
  });
});

describe('startMoto', () => {
  let server: MotoServer | undefined;
  after(async () => server?.stop());

  test('starts an S3 server that stores and returns an object', async (t) => {
    if (motoMissing) return void t.skip(skipOrFail(motoMissing).skip);
    const t0 = Date.now();
    server = await startMoto();
    t.diagnostic(`moto up in ${Date.now() - t0} ms at ${server.endpoint}`);
    await createBucket(server.endpoint, 'kiln-harness');
    const s3 = motoClient(server.endpoint);
    try {
      const body = Buffer.from('chunk bytes \u0000\u00ff');
      await s3.send(new PutObjectCommand({ Bucket: 'kiln-harness', Key: 'chunks/ab/cd', Body: body }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'kiln-harness', Key: 'chunks/ab/cd' }));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body);
    } finally {
      s3.destroy();
    }
  });

  test('stop() ends the server', async (t) => {
    if (motoMissing || !server) return void t.skip(motoMissing || 'no server (previous test failed)');
    const { endpoint } = server;
    await server.stop();
    server = undefined;
    await assert.rejects(fetch(endpoint));
  });
});

describe('stackEnvFor on pg-s3', () => {
  let pgServer: PostgresServer | undefined;
  let moto: MotoServer | undefined;
  const missing = pgMissing || motoMissing;
  before(async () => {
    if (missing) return;
    [pgServer, moto] = await Promise.all([startPostgres(), startMoto()]);
  });
  after(async () => {
    await Promise.allSettled([pgServer?.stop(), moto?.stop()]);
  });

  test('gives each process its own database and bucket, and cleanup removes both', async (t) => {
    if (missing) return void t.skip(skipOrFail(missing).skip);
    const stackVars = { KILN_TEST_STACK: 'pg-s3', KILN_TEST_PG_URL: pgServer!.adminUrl, KILN_TEST_S3_ENDPOINT: moto!.endpoint, AWS_REGION: 'us-east-1' };
    const [a, b] = await withEnv(stackVars, () => Promise.all([stackEnvFor('stacks.test.ts'), stackEnvFor('stacks.test.ts')]));
    assert.notEqual(a.env.KILN_DATABASE_URL, b.env.KILN_DATABASE_URL);
    assert.notEqual(a.env.KILN_BLOB_URL, b.env.KILN_BLOB_URL);
    assert.match(a.env.KILN_DATABASE_URL!, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/kiln_[0-9a-f]{12}$/);
    assert.match(a.env.KILN_BLOB_URL!, /^s3:\/\/kiln-[0-9a-f]{12}\/chunks$/);
    assert.equal(a.env.KILN_S3_ENDPOINT, moto!.endpoint);
    assert.equal(a.env.KILN_S3_FORCE_PATH_STYLE, 'true');
    assert.equal(a.env.KILN_S3_REGION, 'us-east-1');
    assert.ok(a.env.AWS_ACCESS_KEY_ID && a.env.AWS_SECRET_ACCESS_KEY);

    const bucket = /^s3:\/\/([^/]+)\//.exec(a.env.KILN_BLOB_URL!)![1]!;
    const dbName = new URL(a.env.KILN_DATABASE_URL!).pathname.slice(1);
    assert.deepEqual(await query(a.env.KILN_DATABASE_URL!, 'SELECT current_database() AS db'), [{ db: dbName }]);
    const s3 = motoClient(moto!.endpoint);
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'chunks/x', Body: 'x' }));
      await a.cleanup();
      await a.cleanup(); // idempotent
      await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: bucket })));
    } finally {
      s3.destroy();
    }
    assert.deepEqual(await query(pgServer!.adminUrl, 'SELECT datname FROM pg_database WHERE datname = $1', [dbName]), []);
    await b.cleanup();
  });

  test('is empty on the embedded stack', async () => {
    const s = await withEnv({ KILN_TEST_STACK: undefined }, () => stackEnvFor('x'));
    assert.deepEqual(s.env, {});
  });
});

describe('requireBackend', () => {
  const clear = { KILN_TEST_PG_URL: undefined, KILN_TEST_S3_ENDPOINT: undefined, KILN_TEST_REQUIRE_STACKS: undefined, CI: undefined };

  test('a backend of the other stack is skipped quietly, even under KILN_TEST_REQUIRE_STACKS', async () => {
    await withEnv({ ...clear, KILN_TEST_STACK: 'embedded', KILN_TEST_REQUIRE_STACKS: '1' }, () => {
      assert.match(String(requireBackend('postgres').skip), /KILN_TEST_STACK=pg-s3/);
      assert.match(String(requireBackend('s3').skip), /KILN_TEST_STACK=pg-s3/);
      assert.equal(requireBackend('sqlite').skip, false);
    });
    await withEnv({ ...clear, KILN_TEST_STACK: 'pg-s3', KILN_TEST_PG_URL: 'postgres://x@127.0.0.1:1/x' }, () => {
      assert.match(String(requireBackend('local').skip), /KILN_TEST_STACK=embedded/);
      assert.equal(requireBackend('postgres').skip, false);
    });
  });

  test('a backend without its server is skipped with a reason, or fails when stacks are required', async () => {
    await withEnv({ ...clear, KILN_TEST_STACK: 'pg-s3' }, () => {
      assert.match(String(muted(() => requireBackend('postgres')).skip), /KILN_TEST_PG_URL is not set/);
      assert.match(String(muted(() => requireBackend('s3')).skip), /KILN_TEST_S3_ENDPOINT is not set/);
    });
    await withEnv({ ...clear, KILN_TEST_STACK: 'pg-s3', KILN_TEST_REQUIRE_STACKS: '1' }, () => {
      assert.throws(() => requireBackend('postgres'), /KILN_TEST_PG_URL is not set.*KILN_TEST_REQUIRE_STACKS=1/);
      assert.throws(() => requireBackend('s3'), /KILN_TEST_S3_ENDPOINT/);
    });
    // CI=true requires the stacks as KILN_TEST_REQUIRE_STACKS=1 does: the runner and the tests agree.
    await withEnv({ ...clear, KILN_TEST_STACK: 'pg-s3', CI: 'true' }, () => {
      assert.throws(() => requireBackend('postgres'), /KILN_TEST_PG_URL is not set/);
    });
  });

  test('an unknown stack is an error', async () => {
    await withEnv({ KILN_TEST_STACK: 'mysql' }, () => assert.throws(() => requireBackend('postgres'), /KILN_TEST_STACK must be one of/));
  });
});
