import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema.ts';
import { withStatementCache } from './statement-cache.ts';
import * as m001 from './migrations/001_initial.ts';
import * as m002 from './migrations/002_api_tokens.ts';

export type Db = Kysely<Database>;

/** Migrations are listed here rather than read from a folder so they survive bundling. */
const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_api_tokens': m002,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function openSqlite(path: string): Promise<Db> {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets the CLI read and write while the server runs; busy_timeout makes the two
  // processes wait for each other instead of failing with SQLITE_BUSY.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db);
  return db;
}

export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? '');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause}`);
  }
}
