import { sql } from 'kysely';
import { KilnError } from '../../core/errors.ts';
import type { QuotaRepository } from '../../core/ports/metadata-store.ts';
import type { Db } from './engine.ts';

/** Per-account image quota as a counter row; taking a slot is one conditional UPDATE. */
export class KyselyQuotaRepository implements QuotaRepository {
  constructor(private readonly db: Db) {}

  async take(accountId: string, product: string, limit: number): Promise<void> {
    await this.db
      .insertInto('account_image_quota')
      .values({ account_id: accountId, product, used: 0 })
      .onConflict((oc) => oc.columns(['account_id', 'product']).doNothing())
      .execute();
    const res = await this.db
      .updateTable('account_image_quota')
      .set({ used: sql`used + 1` })
      .where('account_id', '=', accountId)
      .where('product', '=', product)
      .where('used', '<', limit)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new KilnError('QuotaExceeded', `custom image quota (${limit}) exceeded`);
  }

  async release(accountId: string, product: string): Promise<void> {
    await this.db
      .updateTable('account_image_quota')
      .set({ used: sql`case when used > 0 then used - 1 else 0 end` })
      .where('account_id', '=', accountId)
      .where('product', '=', product)
      .execute();
  }
}
