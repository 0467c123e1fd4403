import type { Kysely } from 'kysely';
import { engineOf } from '../engine.ts';

/**
 * Grants of an image to other accounts (CompShare's share accounts). A grant lets the
 * account create instances from the image and nothing else. `seq` orders an account's
 * grants by when they were made, so its "shared with me" listing pages without gaps
 * while images are shared with it; grants go with their image (ON DELETE CASCADE).
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  await db.schema
    .createTable('image_shares')
    .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('image_id', 'text', (c) => c.notNull().references('images.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('image_shares_image_account', ['image_id', 'account_id'])
    .execute();
  await db.schema.createIndex('image_shares_account').on('image_shares').columns(['account_id', 'seq']).execute();
}
