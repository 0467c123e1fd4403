import type { Kysely } from 'kysely';

/**
 * Signatures already accepted, until they could no longer pass the timestamp check.
 * Zenlayer's ZC2-HMAC-SHA256 does not sign X-ZC-Action, so a captured request could be
 * replayed as another action; every API process records each signature here first
 * (insert-or-fail on the primary key) and refuses one that is already present.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signature_replays')
    .addColumn('signature', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('signature_replays_expiry').on('signature_replays').column('expires_at').execute();
}
