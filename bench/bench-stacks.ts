import { randomBytes } from 'node:crypto';
import { createBucket, startMoto, type MotoServer } from '../test/support/moto-server.ts';
import { createDatabase, startPostgres, type PostgresServer } from '../test/support/postgres-server.ts';

export type BenchStack = 'embedded' | 'pg-s3';

/**
 * The storage stacks a benchmark compares. `embedded` needs nothing; `pg-s3` starts a
 * temporary PostgreSQL cluster and moto's S3 server on loopback (the same ones the tests
 * use) and hands out a fresh database and bucket per use.
 */
export class BenchStacks {
  private pg: PostgresServer | undefined;
  private moto: MotoServer | undefined;

  static fromArgs(argv: string[]): BenchStack[] {
    const i = argv.indexOf('--stack');
    const v = i >= 0 ? argv[i + 1] : undefined;
    if (v === undefined || v === 'embedded') return ['embedded'];
    // Moving to PostgreSQL + S3 is a measured choice: that mode prints both stacks.
    if (v === 'pg-s3' || v === 'both') return ['embedded', 'pg-s3'];
    throw new Error(`--stack must be embedded or pg-s3, not ${v}`);
  }

  /** Environment for a kiln process (or loadConfig) on `stack`, with its own database and bucket. */
  async env(stack: BenchStack): Promise<Record<string, string>> {
    if (stack === 'embedded') return {};
    this.pg ??= await startPostgres();
    this.moto ??= await startMoto();
    // In-process stores (the capture benchmark) find credentials through the SDK's
    // default chain, i.e. this process's environment: moto takes any.
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    const name = `bench_${randomBytes(4).toString('hex')}`;
    const url = await createDatabase(this.pg.adminUrl, name);
    const bucket = `bench-${randomBytes(4).toString('hex')}`;
    await createBucket(this.moto.endpoint, bucket);
    return {
      KILN_DATABASE_URL: url,
      KILN_BLOB_URL: `s3://${bucket}/chunks`,
      KILN_S3_ENDPOINT: this.moto.endpoint,
      KILN_S3_FORCE_PATH_STYLE: 'true',
      KILN_S3_REGION: 'us-east-1',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  async stop(): Promise<void> {
    await this.moto?.stop();
    await this.pg?.stop();
  }
}
