import { sql, type Kysely } from 'kysely';

/**
 * Instances whose deployment failed were stored as `install_fail`, UCloud's spelling of
 * the state; core now names it `deploy_failed` and each dialect spells it its own way.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await sql`UPDATE instances SET state = 'deploy_failed' WHERE state = 'install_fail'`.execute(db);
}
