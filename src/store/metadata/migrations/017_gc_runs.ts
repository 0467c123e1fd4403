import type { Kysely } from 'kysely';

/**
 * Garbage-collection runs, each with a sample of the storage it left: the bytes images
 * hold (logical) beside the chunks actually stored, so the operator's page can chart
 * what deduplication saves over time.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('gc_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addColumn('scanned', 'bigint', (c) => c.notNull())
    .addColumn('deleted', 'bigint', (c) => c.notNull())
    .addColumn('kept', 'bigint', (c) => c.notNull())
    .addColumn('kept_in_use', 'bigint', (c) => c.notNull())
    .addColumn('logical_bytes', 'bigint', (c) => c.notNull())
    .addColumn('stored_bytes', 'bigint', (c) => c.notNull())
    .addColumn('unique_chunks', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gc_runs_finished').on('gc_runs').column('finished_at').execute();
}
