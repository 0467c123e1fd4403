import type { Kysely } from 'kysely';

/**
 * Progress in phases: an import from a server without ranges downloads, then converts,
 * and each step is counted on its own instead of as a guessed sum. `progress_total`
 * stays NOT NULL; a total not yet known is stored as -1.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('progress_phase', 'text').execute();
  await db.schema
    .alterTable('jobs')
    .addColumn('progress_phase_index', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('jobs')
    .addColumn('progress_phase_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
