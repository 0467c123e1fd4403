import type { Kysely } from 'kysely';

/**
 * A version per image catalogue (a project's images of one product, and the base
 * images), bumped in the same transaction as every image write. Listings cache their
 * answers against it, so a cache in any API process is never stale after a commit.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('catalogue_versions')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
}
