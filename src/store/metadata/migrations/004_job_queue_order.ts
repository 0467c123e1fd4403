import { sql, type Kysely } from 'kysely';

/**
 * A job's place in the queue (`queued_at`, database clock), apart from when it was
 * created: a requeued job goes to the back instead of keeping its creation time and
 * jumping ahead of newer work on every retry.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('queued_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update jobs set queued_at = created_at`.execute(db);
  // Claims read queued (or lapsed) jobs in queue order, optionally of some kinds only.
  await db.schema.createIndex('jobs_queue_order').on('jobs').columns(['state', 'queued_at']).execute();
}
