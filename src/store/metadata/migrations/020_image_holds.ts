import type { Kysely } from 'kysely';

/**
 * Holds on an image's chunks: one row says "owner relies on every chunk image_id's manifest
 * names until it commits or ends", in place of one pending row per chunk (a capture of an
 * overlay inherits hundreds). Deleting the image turns its holds into pending rows of the
 * holders (image-holds.ts), so the chunks stay kept once its references go.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('image_holds')
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('image_holds_pk', ['owner', 'image_id'])
    .execute();
  await db.schema.createIndex('image_holds_image').on('image_holds').column('image_id').execute();
}
