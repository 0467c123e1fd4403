import type { Kysely } from 'kysely';

/**
 * Signatures are now recorded per action. The official Zenlayer SDKs sign whole seconds
 * and not X-ZC-Action, so one signature legitimately carries several requests (a 2 Hz
 * poll, two reads with `{}`, a read and a change with the same body in one second): the
 * guard needs to know which actions a signature already served and when it was first
 * seen, not only that it was. The old rows live a few minutes at most and are not worth
 * carrying over.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signature_replays').execute();
  await db.schema
    .createTable('signature_replays')
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('signature_replays_pk', ['signature', 'action'])
    .execute();
  await db.schema.createIndex('signature_replays_expiry').on('signature_replays').column('expires_at').execute();
}
