import { sql, type Kysely } from 'kysely';

/**
 * What each account holds of the installation's compute: instances, disks and the bytes
 * provisioned for them. A counter row per account, taken with one conditional UPDATE in
 * the transaction that inserts the instance (as account_image_quota is), so concurrent
 * creates cannot overshoot a limit on SQLite or PostgreSQL.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_compute_usage')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('instances', 'bigint', (c) => c.notNull())
    .addColumn('disks', 'bigint', (c) => c.notNull())
    .addColumn('disk_bytes', 'bigint', (c) => c.notNull())
    .execute();
  // Instances created before the quota existed count from the start.
  await sql`
    insert into account_compute_usage (account_id, instances, disks, disk_bytes)
    select i.account_id, count(distinct i.id), count(d.id), coalesce(sum(d.size_bytes), 0)
    from instances i left join disks d on d.instance_id = i.id
    group by i.account_id
  `.execute(db);
}
