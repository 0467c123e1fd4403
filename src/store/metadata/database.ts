import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.ts';
import type { DatabaseConfig } from '../../config/config.ts';
import type { Database } from './schema.ts';
import type { Db } from './engine.ts';
import { withStatementCache } from './statement-cache.ts';
import { diagnosePostgres } from './pg-diagnosis.ts';
import * as m001 from './migrations/001_initial.ts';
import * as m002 from './migrations/002_api_tokens.ts';
import * as m003 from './migrations/003_scale_out.ts';
import * as m004 from './migrations/004_job_queue_order.ts';
import * as m005 from './migrations/005_compute_usage.ts';
import * as m006 from './migrations/006_catalogue_versions.ts';
import * as m007 from './migrations/007_signature_replays.ts';
import * as m008 from './migrations/008_deploy_failed_state.ts';
import * as m009 from './migrations/009_image_shares.ts';
import * as m010 from './migrations/010_image_replicas.ts';
import * as m011 from './migrations/011_job_accounts.ts';
import * as m012 from './migrations/012_signature_replay_actions.ts';
import * as m013 from './migrations/013_image_place_counts.ts';
import * as m014 from './migrations/014_failed_images_free_quota.ts';
import * as m015 from './migrations/015_job_progress_phases.ts';
import * as m016 from './migrations/016_console_sessions.ts';
import * as m017 from './migrations/017_gc_runs.ts';
import * as m018 from './migrations/018_uploads.ts';
import * as m019 from './migrations/019_catalogue_version_notices.ts';
import * as m020 from './migrations/020_image_holds.ts';

/** Migrations are listed here rather than read from a folder so they survive bundling. */
const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_api_tokens': m002,
  '003_scale_out': m003,
  '004_job_queue_order': m004,
  '005_compute_usage': m005,
  '006_catalogue_versions': m006,
  '007_signature_replays': m007,
  '008_deploy_failed_state': m008,
  '009_image_shares': m009,
  '010_image_replicas': m010,
  '011_job_accounts': m011,
  '012_signature_replay_actions': m012,
  '013_image_place_counts': m013,
  '014_failed_images_free_quota': m014,
  '015_job_progress_phases': m015,
  '016_console_sessions': m016,
  '017_gc_runs': m017,
  '018_uploads': m018,
  '019_catalogue_version_notices': m019,
  '020_image_holds': m020,
};

export interface DatabaseOptions {
  /** Told when a connection to the database breaks (a restart, a failover, a network cut). */
  onConnectionError?: (err: Error) => void;
}

/** Every migration this version knows, in order: what `kiln check` compares a schema with. */
export const migrationNames: readonly string[] = Object.keys(migrations);

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Opens the configured database and brings its schema up to date. Every process may do
 * this at start: Kysely's migrator takes a lock (an advisory lock on PostgreSQL), so
 * concurrent starts apply each migration once.
 */
export async function openDatabase(cfg: DatabaseConfig, opts: DatabaseOptions = {}): Promise<{ db: Db; applied: string[]; sqlite?: SQLite.Database }> {
  const sqlite = cfg.kind === 'sqlite' ? openSqliteHandle(cfg.path) : undefined;
  const db = cfg.kind === 'postgres' ? openPostgres(cfg.url, cfg.poolMax, opts.onConnectionError ?? (() => undefined)) : sqliteKysely(sqlite!);
  try {
    return { db, applied: await migrate(db), ...(sqlite ? { sqlite } : {}) };
  } catch (e) {
    await db.destroy();
    if (cfg.kind === 'postgres') throw diagnosePostgres(cfg.url, e) ?? diagnosePostgres(cfg.url, (e as Error).cause) ?? e;
    throw e;
  }
}

function openSqliteHandle(path: string): SQLite.Database {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets the CLI read and write while the server runs; busy_timeout makes the two
  // processes wait for each other instead of failing with SQLITE_BUSY.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

/** Kysely on the one connection of this process; the handle is also handed out for catalogue versions. */
function sqliteKysely(sqlite: SQLite.Database): Db {
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
}

// int8 (counts, sizes, millisecond times) arrives from pg as a string to avoid precision
// loss; every such value here is below 2^53, so numbers are exact and what core expects.
const INT8_OID = 20;
const CONNECT_TIMEOUT_MS = 5_000;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function openPostgres(url: string, poolMax: number, onConnectionError: (err: Error) => void): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    types: pgTypes,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // While the server is unreachable a connect fails after this instead of hanging the
    // caller (a health check, a heartbeat) for as long as the network takes to give up.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A client that loses its connection emits 'error', and an 'error' with no listener
  // ends the process. The pool listens only while a client is idle (and re-emits on
  // itself, hence the no-op); a checked-out client, inside a query or a transaction,
  // had no listener at all. Every client gets one for its whole life: its query fails
  // on its own, and the pool drops the broken client when it is released.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Brings the schema up to date, or only up to migration `upTo` (tests of a migration's data changes). */
export async function migrate(db: Db, upTo?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? '');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
