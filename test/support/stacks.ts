/**
 * Which storage stack the tests run on, read from the environment that test/run-tests.ts
 * (or a developer) sets:
 *
 * - KILN_TEST_STACK: `embedded` (default: SQLite + local chunk dir) or `pg-s3`
 *   (PostgreSQL + S3).
 * - KILN_TEST_PG_URL: admin URL of a running PostgreSQL (superuser, may CREATE DATABASE).
 * - KILN_TEST_S3_ENDPOINT: a running S3 endpoint (moto), with AWS_ACCESS_KEY_ID,
 *   AWS_SECRET_ACCESS_KEY and AWS_REGION exported.
 * - KILN_TEST_REQUIRE_STACKS=1 or CI=true: a backend that would be skipped for want of
 *   its server fails instead.
 *
 * A suite that needs a backend says so in one way: `backendSuite` (backend-suite.ts), or
 * `requireBackend` as the options of a test or describe; both end in `skipOrFail`.
 *
 * Each `kiln` process (and each contract test) gets its own database `kiln_<random>` and
 * bucket `kiln-<random>`, so test files run in parallel against one server of each.
 */
import { randomBytes } from 'node:crypto';

export type Stack = 'embedded' | 'pg-s3';
export type BackendKind = 'postgres' | 's3' | 'sqlite' | 'local';

const STACKS: readonly Stack[] = ['embedded', 'pg-s3'];

export function currentStack(): Stack {
  const raw = (process.env.KILN_TEST_STACK ?? '').trim() || 'embedded';
  if (!(STACKS as readonly string[]).includes(raw)) throw new Error(`KILN_TEST_STACK must be one of ${STACKS.join(', ')}, not "${raw}"`);
  return raw as Stack;
}

function truthy(v: string | undefined): boolean {
  return ['1', 'true', 'yes'].includes((v ?? '').trim().toLowerCase());
}

/** True when a skipped backend must fail the run instead: CI=true or KILN_TEST_REQUIRE_STACKS=1. */
export function stacksRequired(): boolean {
  return truthy(process.env.KILN_TEST_REQUIRE_STACKS) || truthy(process.env.CI);
}

/** Prints a block nobody scrolls past. */
export function loudBlock(lines: string[]): string {
  const bar = '!'.repeat(78);
  return [bar, ...lines.map((l) => `!!! ${l}`), bar].join('\n');
}

/**
 * For a skip that means "this backend was not tested": under KILN_TEST_REQUIRE_STACKS=1
 * throws (the test fails); otherwise prints a loud block to stderr and returns the reason
 * for `test(name, { skip }, ...)`.
 */
export function skipOrFail(reason: string): { skip: string } {
  if (stacksRequired()) throw new Error(`${reason} (CI=true / KILN_TEST_REQUIRE_STACKS=1 forbids skipping it)`);
  process.stderr.write(`${loudBlock([`SKIPPED: ${reason}`, 'set KILN_TEST_REQUIRE_STACKS=1 to make this a failure'])}\n`);
  return { skip: reason };
}

/** The admin URL of the PostgreSQL under test, or undefined. */
export function testPostgresUrl(): string | undefined {
  return process.env.KILN_TEST_PG_URL?.trim() || undefined;
}

/** The S3 endpoint under test, or undefined. */
export function testS3Endpoint(): string | undefined {
  return process.env.KILN_TEST_S3_ENDPOINT?.trim() || undefined;
}

/**
 * For contract tests: `describe('postgres', requireBackend('postgres'), () => ...)`.
 *
 * A backend belongs to one stack: postgres and s3 to `pg-s3`, sqlite and local to
 * `embedded`. In the other stack's run it is skipped with a plain reason (it runs in
 * its own phase of `npm test`; that is not a gap). In its own stack it runs when its
 * server is configured; when it is not, the skip is loud, or a failure under
 * KILN_TEST_REQUIRE_STACKS=1.
 */
export function requireBackend(kind: BackendKind): { skip: string | false } {
  const stack = currentStack();
  const home = homeStackOf(kind);
  if (stack !== home) return { skip: `${kind} runs with KILN_TEST_STACK=${home} (this run is ${stack})` };
  const missing = missingServer(kind);
  return missing === undefined ? { skip: false } : skipOrFail(missing);
}

/** The stack whose phase of `npm test` tests `kind`. */
export function homeStackOf(kind: BackendKind): Stack {
  return kind === 'postgres' || kind === 's3' ? 'pg-s3' : 'embedded';
}

/** Why `kind` cannot be tested in this run for want of its server; undefined when it can. */
export function missingServer(kind: BackendKind): string | undefined {
  if (kind === 'postgres' && !testPostgresUrl()) {
    return 'postgres backend not tested: KILN_TEST_PG_URL is not set (npm test starts a PostgreSQL when initdb is installed)';
  }
  if (kind === 's3' && !testS3Endpoint()) {
    return 's3 backend not tested: KILN_TEST_S3_ENDPOINT is not set (npm test starts moto_server when it is installed)';
  }
  return undefined;
}

function suffix(): string {
  return randomBytes(6).toString('hex');
}

function need(value: string | undefined, name: string): string {
  if (!value) throw new Error(`KILN_TEST_STACK=pg-s3 needs ${name} (run the tests through \`npm test\`, which starts the servers)`);
  return value;
}

/**
 * The PostgreSQL and S3 clients are imported when a database or bucket is made, not at the
 * top: nearly every test file imports this one, and on the embedded stack, which needs
 * neither, loading the AWS SDK and pg under the tests' TypeScript loader cost each file
 * ~0.7 s of CPU.
 */
const pgClients = () => Promise.all([import('pg'), import('./postgres-server.ts')]);
const s3Clients = () => Promise.all([import('@aws-sdk/client-s3'), import('./moto-server.ts')]);

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * The name of a database `npm test` migrated once (test/support/pg-template.ts), that
 * `premigrated` databases are copied from; unset when a file runs on its own.
 */
export const PG_TEMPLATE_ENV = 'KILN_TEST_PG_TEMPLATE';

let templateRefused = false;

/**
 * A fresh database `kiln_<random>` on the PostgreSQL under test: empty, or with `premigrated`
 * a copy of the run's migrated template when there is one (what a `kiln` process would make
 * of an empty one at start, for less). A copy that fails falls back to an empty database,
 * which the process migrates itself.
 */
export async function createTestDatabase(label = '', opts: { premigrated?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = need(testPostgresUrl(), 'KILN_TEST_PG_URL');
  const name = `kiln_${suffix()}`;
  const [{ default: pg }, { createDatabase, dropDatabase }] = await pgClients();
  const template = opts.premigrated && !templateRefused ? process.env[PG_TEMPLATE_ENV]?.trim() || undefined : undefined;
  let url: string;
  try {
    url = await createDatabase(adminUrl, name, template);
  } catch (e) {
    if (template === undefined) throw e;
    templateRefused = true;
    process.stderr.write(`copying the migrated template ${template} failed (${e instanceof Error ? e.message : String(e)}); databases start empty\n`);
    url = await createDatabase(adminUrl, name);
  }
  if (label) {
    // Says which test made a database that outlived its test.
    const c = new pg.Client({ connectionString: adminUrl });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.query(`COMMENT ON DATABASE "${name}" IS ${escapeLiteral(label.slice(0, 200))}`);
    } catch {
      // only a debugging aid
    } finally {
      await c.end().catch(() => {});
    }
  }
  return { name, url, drop: () => dropDatabase(adminUrl, name) };
}

function escapeLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export interface TestBucket {
  bucket: string;
  endpoint: string;
  region: string;
  /** Deletes every object and the bucket. */
  remove(): Promise<void>;
}

/** A fresh, empty bucket `kiln-<random>` on the S3 endpoint under test. */
export async function createTestBucket(): Promise<TestBucket> {
  const endpoint = need(testS3Endpoint(), 'KILN_TEST_S3_ENDPOINT');
  const bucket = `kiln-${suffix()}`;
  const [, { createBucket }] = await s3Clients();
  await createBucket(endpoint, bucket);
  return {
    bucket,
    endpoint,
    region: process.env.AWS_REGION?.trim() || 'us-east-1',
    remove: () => emptyAndDeleteBucket(endpoint, bucket),
  };
}

async function emptyAndDeleteBucket(endpoint: string, bucket: string): Promise<void> {
  const [{ DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command }, { motoClient }] = await s3Clients();
  const s3 = motoClient(endpoint);
  try {
    for (;;) {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length === 0) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}

export interface StackEnv {
  /** Variables to add to a `kiln` process's environment; {} on the embedded stack. */
  env: Record<string, string>;
  /** Drops the database and the bucket; idempotent, never throws. */
  cleanup(): Promise<void>;
}

/**
 * The environment a `kiln` process needs on the current stack. On `pg-s3`: a fresh
 * database and bucket, and KILN_DATABASE_URL, KILN_BLOB_URL=s3://bucket/chunks,
 * KILN_S3_ENDPOINT, KILN_S3_FORCE_PATH_STYLE, KILN_S3_REGION and the AWS_* credentials.
 * `premigrated`: the database is a copy of the run's migrated template (createTestDatabase).
 */
export async function stackEnvFor(testName: string, opts: { premigrated?: boolean } = {}): Promise<StackEnv> {
  if (currentStack() === 'embedded') return { env: {}, cleanup: async () => {} };
  const db = await createTestDatabase(testName, opts);
  let bucket: TestBucket;
  try {
    bucket = await createTestBucket();
  } catch (e) {
    await db.drop().catch(() => {});
    throw e;
  }
  let cleaned = false;
  return {
    env: {
      KILN_DATABASE_URL: db.url,
      KILN_BLOB_URL: `s3://${bucket.bucket}/chunks`,
      KILN_S3_ENDPOINT: bucket.endpoint,
      KILN_S3_FORCE_PATH_STYLE: 'true',
      KILN_S3_REGION: bucket.region,
      AWS_REGION: bucket.region,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID?.trim() || 'test',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY?.trim() || 'test',
    },
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await Promise.allSettled([db.drop(), bucket.remove()]);
    },
  };
}
