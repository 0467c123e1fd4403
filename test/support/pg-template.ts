/**
 * A PostgreSQL database migrated once per `npm test`, that the pg-s3 phase copies for each
 * `kiln` process (`CREATE DATABASE ... TEMPLATE`) instead of having every process migrate
 * an empty one: the copy costs a fraction of running the migrations again.
 *
 * It is migrated by the real `kiln migrate` from the dist/ under test, so a copy holds
 * exactly what a first start would have made. Migrating an empty database stays tested:
 * the metadata-store contract tests and scale-setup's `kiln migrate` still start empty.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { builtKilnBin } from './kiln-bin.ts';
import { createDatabase, dropDatabase, quoteIdent, withAdmin } from './postgres-server.ts';

export interface PgTemplate {
  name: string;
  drop(): Promise<void>;
}

function kilnMigrate(url: string, dataDir: string): Promise<void> {
  return new Promise((ok, fail) => {
    execFile(
      process.execPath,
      [builtKilnBin(), 'migrate', '--json'],
      { env: { ...process.env, KILN_DATABASE_URL: url, KILN_DATA_DIR: dataDir, KILN_LOG_LEVEL: 'warn' }, timeout: 120_000 },
      (err, stdout, stderr) => (err ? fail(new Error(`kiln migrate failed: ${err.message}\n${stdout}${stderr}`)) : ok()),
    );
  });
}

/** Makes and migrates `kiln_template_<random>`; nobody may connect to it after, or no copy could be made while they do. */
export async function makeMigratedTemplate(adminUrl: string): Promise<PgTemplate> {
  const name = `kiln_template_${randomBytes(4).toString('hex')}`;
  const drop = () => dropDatabase(adminUrl, name);
  const dataDir = await mkdtemp(join(tmpdir(), 'kiln-pg-template-'));
  try {
    const url = await createDatabase(adminUrl, name);
    await kilnMigrate(url, dataDir);
    await withAdmin(adminUrl, (c) => c.query(`ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS false`));
    return { name, drop };
  } catch (e) {
    await drop().catch(() => {});
    throw e;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
