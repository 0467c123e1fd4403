import { sql } from 'kysely';
import type { ImageReplica, ImageReplicas } from '../../core/ports/metadata-store.ts';
import { inTransaction, type Db } from './engine.ts';
import { moveImage } from './image-repo.ts';

/** Copies of images in other regions: one row per image and region. */
export class KyselyImageReplicas implements ImageReplicas {
  constructor(private readonly db: Db) {}

  async hold(imageId: string): Promise<void> {
    // A no-op write takes the image row's lock (PostgreSQL) until the transaction ends.
    await this.db.updateTable('images').set({ updated_at: sql`updated_at` }).where('id', '=', imageId).execute();
  }

  async start(imageId: string, region: string, jobId: string): Promise<boolean> {
    const now = Date.now();
    const res = await this.db
      .insertInto('image_replicas')
      .values({ image_id: imageId, region, state: 'syncing', error: null, job_id: jobId, created_at: now, updated_at: now })
      // A failed copy may be tried again; a syncing or available one is in the way.
      .onConflict((oc) =>
        oc
          .columns(['image_id', 'region'])
          .doUpdateSet({ state: 'syncing', error: null, job_id: jobId, updated_at: now })
          .where('image_replicas.state', '=', 'failed'),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async finish(imageId: string, region: string, outcome: { state: 'available' } | { state: 'failed'; error: string }): Promise<boolean> {
    const res = await this.db
      .updateTable('image_replicas')
      .set({ state: outcome.state, error: outcome.state === 'failed' ? outcome.error : null, updated_at: Date.now() })
      .where('image_id', '=', imageId)
      .where('region', '=', region)
      .where('state', '=', 'syncing')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async of(imageIds: string[]): Promise<ImageReplica[]> {
    if (imageIds.length === 0) return [];
    const rows = await this.db.selectFrom('image_replicas').selectAll().where('image_id', 'in', imageIds).orderBy('region').execute();
    return rows.map((r) => ({
      imageId: r.image_id,
      region: r.region,
      state: r.state as ImageReplica['state'],
      error: r.error,
      jobId: r.job_id,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    }));
  }

  async remove(imageId: string, regions: string[]): Promise<void> {
    if (regions.length === 0) return;
    await this.db.deleteFrom('image_replicas').where('image_id', '=', imageId).where('region', 'in', regions).execute();
  }

  async rehome(imageId: string, region: string, zone: string): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.deleteFrom('image_replicas').where('image_id', '=', imageId).where('region', '=', region).execute();
      await moveImage(trx, imageId, region, zone);
    });
  }
}
