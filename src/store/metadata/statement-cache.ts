import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely prepares every query anew, and on a hot listing path preparing costs as much
 * as running. Kysely's queries are a small fixed set of SQL strings, so prepared
 * statements are kept by SQL text (bounded, in case of unusual callers). Safe because
 * better-sqlite3 runs a statement to completion synchronously; Kysely's streaming
 * (`iterate`), which could interleave, is not used here.
 */
export function withStatementCache(db: SQLite.Database, limit = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size >= limit) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt as unknown as SqliteStatement;
    },
  };
}
