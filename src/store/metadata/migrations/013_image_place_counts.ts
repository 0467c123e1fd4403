import { sql, type Kysely } from 'kysely';

/**
 * Listings filtered by region (UHost DescribeImage) or zone (DescribeCompShareCustomImages)
 * answer from counters and one index range, as unfiltered ones do: a count(*) over a
 * project's 100k images per request was what made them slow. One counter per project,
 * product, kind, region and zone (a zone names its region, so a region's total is the
 * sum over its few zones), kept in the transactions that insert, delete or move images.
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('image_place_counts')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('image_place_counts_pk', ['project_id', 'product', 'kind', 'region', 'zone'])
    .execute();
  await sql`insert into image_place_counts (project_id, product, kind, region, zone, count)
    select project_id, product, kind, region, zone, count(*) from images
    where project_id is not null and product is not null
    group by project_id, product, kind, region, zone`.execute(db);
  // Newest (or oldest) first within one region or one zone: a backward walk of one range.
  await db.schema.createIndex('images_region_listing').on('images').columns(['project_id', 'product', 'kind', 'region', 'seq']).execute();
  await db.schema.createIndex('images_zone_listing').on('images').columns(['project_id', 'product', 'kind', 'zone', 'seq']).execute();
}
