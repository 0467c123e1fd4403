import { sql, type Kysely } from 'kysely';
import { engineOf } from '../engine.ts';

// Migrations take Kysely<any>: they describe the schema as it was at that point in time,
// not the current typed schema.
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  // Written for SQLite first; the PostgreSQL spellings were fixed here before any
  // PostgreSQL deployment existed, so both engines share one migration history.
  const pg = engineOf(db) === 'postgres';
  const json = pg ? sql`jsonb` : sql`text`;
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('projects_account').on('projects').column('account_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('public_key', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('private_key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('images')
    .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('product', 'text')
    .addColumn('account_id', 'text')
    .addColumn('project_id', 'text')
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unique_name', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('os_type', 'text', (c) => c.notNull())
    .addColumn('os_name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('failed_reason', 'text')
    .addColumn('virtual_size', 'bigint', (c) => c.notNull())
    .addColumn('stored_size', 'bigint', (c) => c.notNull())
    .addColumn('source_instance_id', 'text')
    .addColumn('parent_image_id', 'text')
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('attributes', json, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Listing is newest first within a project and product; seq breaks ties and pages stably.
  await db.schema.createIndex('images_listing').on('images').columns(['project_id', 'product', 'kind', 'seq']).execute();
  await db.schema.createIndex('images_unique_name').on('images').columns(['account_id', 'product', 'unique_name']).unique().execute();
  // Base images are few but counted on every listing; without this the count scans all images.
  await db.schema.createIndex('images_base').on('images').columns(['kind', 'product']).execute();
  await db.schema.createIndex('images_parent').on('images').column('parent_image_id').execute();

  // Counting 100k rows per DescribeImage is too slow; totals are kept as counters
  // updated in the same transaction as the rows they count.
  await db.schema
    .createTable('image_counts')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('image_counts_pk', ['project_id', 'product', 'kind'])
    .execute();

  // Quotas are enforced with a conditional UPDATE on this row, which is race-safe on
  // SQLite and PostgreSQL alike.
  await db.schema
    .createTable('account_image_quota')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_image_quota_pk', ['account_id', 'product'])
    .execute();

  await db.schema
    .createTable('manifests')
    .addColumn('image_id', 'text', (c) => c.primaryKey())
    .addColumn('virtual_size', 'bigint', (c) => c.notNull())
    .addColumn('chunk_size', 'integer', (c) => c.notNull())
    .addColumn('chunks', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('operation', 'text')
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('cpu', 'integer', (c) => c.notNull())
    .addColumn('memory_mb', 'integer', (c) => c.notNull())
    .addColumn('gpu_type', 'text')
    .addColumn('gpu_count', 'integer', (c) => c.notNull())
    .addColumn('os_type', 'text', (c) => c.notNull())
    .addColumn('os_name', 'text', (c) => c.notNull())
    .addColumn('attributes', json, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('instances_listing').on('instances').columns(['project_id', 'product', 'created_at']).execute();

  await db.schema
    .createTable('disks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('is_boot', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('source_image_id', 'text')
    .execute();
  await db.schema.createIndex('disks_instance').on('disks').columns(['instance_id', 'idx']).unique().execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('image_id', 'text')
    .addColumn('instance_id', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('progress_done', 'bigint', (c) => c.notNull())
    .addColumn('progress_total', 'bigint', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_claim').on('jobs').columns(['state', 'lease_expires_at']).execute();
  await db.schema.createIndex('jobs_image').on('jobs').column('image_id').execute();
}
