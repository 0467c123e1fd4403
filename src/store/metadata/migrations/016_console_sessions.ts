import type { Kysely } from 'kysely';

/**
 * The web console's sessions and failed sign-ins, in the metadata store so every API
 * process behind one load balancer serves (and revokes, and rate-limits) the same ones.
 * A session is stored under the SHA-256 of its cookie value: a copy of the table signs
 * nobody in. It names the credential it was opened with (a public key, or a token's
 * SHA-256), so revoking that credential ends the session too.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('console_sessions')
    .addColumn('id_sha256', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('credential_kind', 'text', (c) => c.notNull())
    .addColumn('credential', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_seen').on('console_sessions').column('seen_at').execute();
  await db.schema
    .createTable('console_sign_in_failures')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sign_in_failures_scope').on('console_sign_in_failures').columns(['scope', 'at']).execute();
  // The console's image list sorts by name within one product's catalogue of a project;
  // without this a sorted page at 100,000 images is a sort of all of them.
  await db.schema.createIndex('images_console_name').on('images').columns(['project_id', 'product', 'name', 'seq']).execute();
}
