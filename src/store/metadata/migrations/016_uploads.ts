import type { Kysely } from 'kysely';

/**
 * Uploads of a disk image through Kiln's own endpoint: one row per upload, with the
 * offset it has made durable, and one row per staged part (a stretch of the file stored
 * as a content-addressed chunk, or a hole when it was all zeros). Both live in the shared
 * stores, so a PATCH on any API process continues where another stopped.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('length', 'bigint', (c) => c.notNull())
    .addColumn('received', 'bigint', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('uploads_account').on('uploads').columns(['account_id', 'state']).execute();
  await db.schema.createIndex('uploads_expiry').on('uploads').columns(['state', 'expires_at']).execute();
  await db.schema.createIndex('uploads_image').on('uploads').column('image_id').execute();
  await db.schema
    .createTable('upload_parts')
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('start', 'bigint', (c) => c.notNull())
    .addColumn('length', 'integer', (c) => c.notNull())
    .addColumn('chunk_key', 'text')
    .addPrimaryKeyConstraint('upload_parts_pk', ['upload_id', 'start'])
    .execute();
}
