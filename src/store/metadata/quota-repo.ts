import { sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { Db } from './database.ts';

type Exec = Db | Transaction<Database>;

/** Per-account image quota as a counter row; taking a slot is one conditional UPDATE. */
export class QuotaRepo {
  constructor(private readonly db: Db) {}

  async take(accountId: string, product: string, limit: number, exec: Exec = this.db): Promise<boolean> {
    await exec
      .insertInto('account_image_quota')
      .values({ account_id: accountId, product, used: 0 })
      .onConflict((oc) => oc.columns(['account_id', 'product']).doNothing())
      .execute();
    const res = await exec
      .updateTable('account_image_quota')
      .set({ used: sql`used + 1` })
      .where('account_id', '=', accountId)
      .where('product', '=', product)
      .where('used', '<', limit)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async release(accountId: string, product: string, exec: Exec = this.db): Promise<void> {
    await exec
      .updateTable('account_image_quota')
      .set({ used: sql`case when used > 0 then used - 1 else 0 end` })
      .where('account_id', '=', accountId)
      .where('product', '=', product)
      .execute();
  }
}
