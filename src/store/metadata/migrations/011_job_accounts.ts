import { sql, type Kysely } from 'kysely';

/**
 * The account a job works for, so a claim can share a lane's workers between accounts
 * (one tenant's slow imports must not hold every import worker). Jobs still in the
 * queue or running take it from their image or instance; finished ones never need it.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('account_id', 'text').execute();
  await sql`update jobs set account_id = (select i.account_id from images i where i.id = jobs.image_id)
            where state in ('queued', 'running') and image_id is not null`.execute(db);
  await sql`update jobs set account_id = (select i.account_id from instances i where i.id = jobs.instance_id)
            where state in ('queued', 'running') and account_id is null and instance_id is not null`.execute(db);
  // A claim counts each waiting account's running jobs.
  await db.schema.createIndex('jobs_account_state').on('jobs').columns(['account_id', 'state']).execute();
}
