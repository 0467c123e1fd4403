import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createKiln, type Kiln } from '../../src/app/kiln.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Image, Principal } from '../../src/core/model.ts';
import type { Product } from '../../src/core/products.ts';
import { waitFor } from './kiln-process.ts';
import { stackEnvFor } from './stacks.ts';

/**
 * Kiln's services, job runner and collector built in this test process by the real
 * composition root, on the current stack's stores: a temporary SQLite file and chunk
 * directory (embedded), or a fresh PostgreSQL database and S3 bucket (pg-s3). No child
 * process and no HTTP: what the core tier tests is what a dialect handler calls.
 */
export interface CoreKiln {
  kiln: Kiln;
  dataDir: string;
  /** The environment the configuration was read from (stack variables included). */
  env: Record<string, string>;
  /** A new account (named `name`) and its default project. */
  account(name: string): Promise<Principal>;
  /** Polls the image until it is no longer being made. */
  settled(p: Principal, product: Product, imageId: string): Promise<Image>;
  close(): Promise<void>;
}

export interface CoreKilnOptions {
  /** KILN_* settings for this instance; they win over the defaults here. */
  env?: Record<string, string>;
  /** Builds and starts the job runner with the real handlers (KILN_WORKERS applies). */
  runner?: boolean;
}

export async function startCoreKiln(label: string, opts: CoreKilnOptions = {}): Promise<CoreKiln> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kiln-core-'));
  const stack = await stackEnvFor(label, { premigrated: true });
  const env: Record<string, string> = {
    KILN_DATA_DIR: dataDir,
    KILN_LOG_LEVEL: 'silent',
    KILN_JOB_POLL_MS: '50',
    KILN_BLOB_FSYNC: 'false',
    ...stack.env,
    ...opts.env,
  };
  let kiln: Kiln;
  try {
    kiln = await createKiln(loadConfig({ ...process.env, ...env }), pino({ level: 'silent' }), { withRunner: opts.runner === true });
  } catch (e) {
    await stack.cleanup();
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  kiln.runner?.start();
  return {
    kiln,
    dataDir,
    env,
    async account(name) {
      const created = await kiln.services.accounts.create(name);
      return { accountId: created.accountId, projectId: created.projectId };
    },
    settled: (p, product, imageId) =>
      waitFor(
        `image ${imageId} to settle`,
        async () => {
          const image = await kiln.services.images.get(p, product, imageId);
          return image.state === 'making' ? undefined : image;
        },
        30_000,
      ),
    async close() {
      await kiln.close();
      await stack.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
