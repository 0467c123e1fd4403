import type { Kysely } from 'kysely';

/**
 * Copies of an image in other regions (ZEC CopyImage): one row per image and target
 * region. The primary key is what allows one copy per region at a time: a new copy
 * inserts, or revives a failed row, and finds any other row in its way.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('image_replicas')
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('job_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('image_replicas_pk', ['image_id', 'region'])
    .execute();
}
