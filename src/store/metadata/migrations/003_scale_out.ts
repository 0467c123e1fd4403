import { sql, type Kysely } from 'kysely';
import { engineOf } from '../engine.ts';

/**
 * What many workers on many hosts need: job lease tokens (fencing) and node routing,
 * instance placement, compute nodes' liveness, named leases, and the chunk bookkeeping
 * garbage collection relies on instead of file times (references of committed
 * manifests, pending uses by writers and readers, deletions announced by a collector).
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema before it, which the typed Database does not describe
export async function up(db: Kysely<any>): Promise<void> {
  const pg = engineOf(db) === 'postgres';
  await db.schema.alterTable('jobs').addColumn('lease_token', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('node_id', 'text').execute();
  await db.schema.createIndex('jobs_claim_order').on('jobs').columns(['state', 'created_at']).execute();
  await db.schema.alterTable('instances').addColumn('node_id', 'text').execute();
  await db.schema.createIndex('instances_node').on('instances').column('node_id').execute();

  await db.schema
    .createTable('nodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('image_chunks')
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('chunk_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('image_chunks_pk', ['image_id', 'chunk_key'])
    .execute();
  await db.schema.createIndex('image_chunks_key').on('image_chunks').column('chunk_key').execute();

  await db.schema
    .createTable('pending_chunks')
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('chunk_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('pending_chunks_pk', ['owner', 'chunk_key'])
    .execute();
  await db.schema.createIndex('pending_chunks_key').on('pending_chunks').column('chunk_key').execute();

  await db.schema
    .createTable('doomed_chunks')
    .addColumn('chunk_key', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  if (pg) {
    // Tag and resource-group filters read attributes; GIN makes containment (@>) cheap.
    await sql`create index images_attributes on images using gin (attributes)`.execute(db);
  }

  // Manifests committed before this migration get their references now.
  const manifests = await db.selectFrom('manifests').select(['image_id', 'chunks']).execute();
  for (const m of manifests as { image_id: string; chunks: Uint8Array }[]) {
    const keys = new Set<string>();
    const buf = Buffer.from(m.chunks);
    for (let off = 0; off + 32 <= buf.length; off += 32) {
      const slice = buf.subarray(off, off + 32);
      if (!slice.every((b) => b === 0)) keys.add(slice.toString('hex'));
    }
    const rows = [...keys].map((k) => ({ image_id: m.image_id, chunk_key: k }));
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto('image_chunks')
        .values(rows.slice(i, i + 500))
        .execute();
  }
}
