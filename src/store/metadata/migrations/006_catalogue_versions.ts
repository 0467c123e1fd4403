import type { Kysely } from 'kysely';

/**
 * A version per image catalogue (a project's images of one product, and the base
 * images), bumped in the same transaction as every image write. Listings cache their
 * answers against it, so a cache in any API process is never stale after a commit.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('catalogue_versions')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
}
