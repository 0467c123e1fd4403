import { sql, type Kysely } from 'kysely';

/**
 * Failed images no longer hold a custom-image slot, so failures cannot use up the quota: a failing job gives its
 * slot back, and deleting a failed image gives nothing. Images that failed before this
 * release still hold theirs, which deletion would now never return, so they are returned
 * here, once.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  const failed = sql`(select count(*) from images i
    where i.account_id = account_image_quota.account_id and i.product = account_image_quota.product
      and i.kind = 'custom' and i.state = 'unavailable')`;
  await sql`update account_image_quota set used = case when used > ${failed} then used - ${failed} else 0 end`.execute(db);
}
