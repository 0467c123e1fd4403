import { sql, type Kysely } from 'kysely';

/**
 * Instances whose deployment failed were stored as `install_fail`, UCloud's spelling of
 * the state; core now names it `deploy_failed` and each dialect spells it its own way.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`UPDATE instances SET state = 'deploy_failed' WHERE state = 'install_fail'`.execute(db);
}
