import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Engine = 'sqlite' | 'postgres';

// Migrations and helpers take any Kysely: they run before (and beside) the typed schema.
// biome-ignore lint/suspicious/noExplicitAny: migrations call this with their untyped Kysely, before the typed schema exists
export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Milliseconds on the database clock. Leases and liveness are compared with this in the
 * same statement that writes them, so hosts whose clocks disagree still agree on who
 * holds what. PostgreSQL's clock_timestamp() (not now(), which is frozen at the start of
 * a transaction) and SQLite's unixepoch('subsec') (3.42+).
 */
export function dbNowMs(engine: Engine): RawBuilder<number> {
  return engine === 'postgres' ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint` : sql<number>`cast(unixepoch('subsec') * 1000 as integer)`;
}

/** Runs `fn` in a transaction, joining the caller's when `db` is one already. */
export async function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}

/** Splits `items` into runs of at most `size`, for IN lists and multi-row inserts. */
export function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
