import { sql, type Kysely } from 'kysely';
import { engineOf } from '../engine.ts';

/**
 * On PostgreSQL every move of a catalogue version is announced on the channel
 * `kiln_catalogue_versions` ("<scope> <version>"), so API processes can keep the versions
 * in memory instead of reading them per request (catalogue-version-feed.ts). A trigger,
 * not a statement in the code that bumps: every writer announces, an older Kiln process
 * during a rolling upgrade and a hand-run UPDATE included, and the notice is queued in the
 * writing transaction, so it is delivered exactly when that transaction commits.
 * SQLite has no such channel; its versions are read per request as before.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'postgres') return;
  await sql`create or replace function kiln_catalogue_version_notice() returns trigger language plpgsql as $$
    begin
      perform pg_notify('kiln_catalogue_versions', new.scope || ' ' || new.version);
      return null;
    end $$`.execute(db);
  await sql`create trigger catalogue_versions_notice after insert or update on catalogue_versions
    for each row execute function kiln_catalogue_version_notice()`.execute(db);
}
