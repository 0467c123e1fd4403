import type { Kysely } from 'kysely';

/**
 * Bearer tokens (Zenlayer `Authorization: Bearer <token>`). Only a SHA-256 of each token
 * is kept: tokens are high-entropy random strings, so an unsalted hash is enough to make
 * a copy of the database useless for calling the API.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('token_sha256', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_tokens_account').on('api_tokens').column('account_id').execute();
}
