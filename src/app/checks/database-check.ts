import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseConfig } from '../../config/config.ts';
import { migrationNames } from '../../store/metadata/database.ts';
import { describeUrl, diagnosePostgres } from '../../store/metadata/pg-diagnosis.ts';
import type { CheckResult } from './check-result.ts';

/**
 * Connects to the configured database as the server would and reads, without changing
 * anything, whether the schema is current and whether this role could bring it up to date.
 */
export async function checkDatabase(cfg: DatabaseConfig): Promise<CheckResult> {
  if (cfg.kind === 'sqlite') return checkSqlite(cfg.path);
  const { role, database, where } = describeUrl(cfg.url);
  const name = `postgres ${role}@${where}/${database}`;
  const client = new pg.Client({ connectionString: cfg.url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ can_create: boolean; migrations: string | null }>(
      "SELECT has_schema_privilege('public', 'CREATE') AS can_create, to_regclass('public.kysely_migration')::text AS migrations",
    );
    const canCreate = rows[0]?.can_create === true;
    const applied = rows[0]?.migrations ? (await client.query<{ name: string }>('SELECT name FROM kysely_migration')).rows.map((r) => r.name) : [];
    const pending = migrationNames.filter((m) => !applied.includes(m));
    if (pending.length > 0 && !canCreate) {
      return {
        name: 'database',
        ok: false,
        detail: `${name}: role "${role}" may not create tables in schema public, so the ${pending.length} migrations due cannot run`,
        fix: `as a PostgreSQL superuser: psql -c 'ALTER DATABASE "${database}" OWNER TO "${role}"'`,
      };
    }
    return { name: 'database', ok: true, detail: `${name}: ${schemaState(pending)}` };
  } catch (e) {
    const d = diagnosePostgres(cfg.url, e);
    if (d) return { name: 'database', ok: false, detail: d.problem.replace(/^database: /, `${name}: `), fix: d.fix };
    return { name: 'database', ok: false, detail: `${name}: ${e instanceof Error ? e.message : String(e)}`, fix: 'check KILN_DATABASE_URL' };
  } finally {
    await client.end().catch(() => {});
  }
}

function checkSqlite(path: string): CheckResult {
  const name = `sqlite ${path}`;
  if (!existsSync(path)) return { name: 'database', ok: true, detail: `${name}: not there yet; the first kiln command creates it` };
  try {
    const db = new SQLite(path, { readonly: true, fileMustExist: true });
    try {
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get() !== undefined;
      const applied = hasTable ? (db.prepare('SELECT name FROM kysely_migration').all() as { name: string }[]).map((r) => r.name) : [];
      return { name: 'database', ok: true, detail: `${name}: ${schemaState(migrationNames.filter((m) => !applied.includes(m)))}` };
    } finally {
      db.close();
    }
  } catch (e) {
    return {
      name: 'database',
      ok: false,
      detail: `${name}: ${e instanceof Error ? e.message : String(e)}`,
      fix: "check KILN_DATA_DIR and the file's permissions",
    };
  }
}

function schemaState(pending: readonly string[]): string {
  return pending.length === 0 ? 'schema up to date' : `${pending.length} migrations due (kiln migrate applies them; so does every process at start)`;
}
