import { KilnError } from '../../core/errors.ts';
import type { Image } from '../../core/model.ts';
import type { ImageShares, SharedImageQuery } from '../../core/ports/metadata-store.ts';
import { inTransaction, type Db } from './engine.ts';
import { imageFromRow } from './image-repo.ts';

/** Image grants in `image_shares` (migration 009). */
export class KyselyImageShares implements ImageShares {
  constructor(private readonly db: Db) {}

  async grant(imageId: string, accountIds: string[]): Promise<void> {
    if (accountIds.length === 0) return;
    const now = Date.now();
    try {
      await inTransaction(this.db, async (trx) => {
        for (const accountId of accountIds) {
          await trx
            .insertInto('image_shares')
            .values({ image_id: imageId, account_id: accountId, created_at: now })
            .onConflict((oc) => oc.columns(['image_id', 'account_id']).doNothing())
            .execute();
        }
      });
    } catch (e) {
      // The image (or an account) was deleted between the caller's check and this insert.
      if (isForeignKeyViolation(e)) throw new KilnError('ImageNotFound', `image ${imageId} does not exist`, 'imageId');
      throw e;
    }
  }

  async revoke(imageId: string, accountIds: string[]): Promise<void> {
    if (accountIds.length === 0) return;
    await this.db.deleteFrom('image_shares').where('image_id', '=', imageId).where('account_id', 'in', accountIds).execute();
  }

  async accountsOf(imageId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('image_shares').select('account_id').where('image_id', '=', imageId).orderBy('seq', 'asc').execute();
    return rows.map((r) => r.account_id);
  }

  async isSharedWith(imageId: string, accountId: string): Promise<boolean> {
    const r = await this.db.selectFrom('image_shares').select('seq').where('image_id', '=', imageId).where('account_id', '=', accountId).executeTakeFirst();
    return r !== undefined;
  }

  async listSharedWith(q: SharedImageQuery): Promise<Image[]> {
    const rows = await this.filtered(q).selectAll('images').orderBy('image_shares.seq', 'asc').limit(q.limit).offset(q.offset).execute();
    return rows.map(imageFromRow);
  }

  async countSharedWith(q: SharedImageQuery): Promise<number> {
    const r = await this.filtered(q)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  private filtered(q: SharedImageQuery) {
    let query = this.db
      .selectFrom('image_shares')
      .innerJoin('images', 'images.id', 'image_shares.image_id')
      .where('image_shares.account_id', '=', q.accountId)
      .where('images.product', '=', q.product);
    if (q.imageIds && q.imageIds.length > 0) query = query.where('images.id', 'in', q.imageIds);
    if (q.zone !== undefined) query = query.where('images.zone', '=', q.zone);
    return query;
  }
}

function isForeignKeyViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}
