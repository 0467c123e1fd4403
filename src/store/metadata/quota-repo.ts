import { sql } from 'kysely';
import { KilnError } from '../../core/errors.ts';
import type { ComputeUse, QuotaRepository } from '../../core/ports/metadata-store.ts';
import type { Db } from './engine.ts';

/**
 * Per-account quotas as counter rows: the image quota per product, and what the account
 * holds of compute. Taking is one conditional UPDATE, race-safe on SQLite (one writer) and
 * PostgreSQL (the row lock makes concurrent takers re-check the condition in turn).
 */
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

  async lock(accountId: string, product: string): Promise<void> {
    // A write that changes nothing: it takes the row lock on PostgreSQL; SQLite's
    // transactions hold the one write lock from their start already.
    await this.db.updateTable('account_image_quota').set({ used: sql`used` }).where('account_id', '=', accountId).where('product', '=', product).execute();
  }

  async takeCompute(accountId: string, use: ComputeUse, limits: ComputeUse): Promise<void> {
    await this.db
      .insertInto('account_compute_usage')
      .values({ account_id: accountId, instances: 0, disks: 0, disk_bytes: 0 })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
    const res = await this.db
      .updateTable('account_compute_usage')
      .set({
        instances: sql`instances + ${use.instances}`,
        disks: sql`disks + ${use.disks}`,
        disk_bytes: sql`disk_bytes + ${use.diskBytes}`,
      })
      .where('account_id', '=', accountId)
      .where(sql<boolean>`instances + ${use.instances} <= ${limits.instances}`)
      .where(sql<boolean>`disks + ${use.disks} <= ${limits.disks}`)
      .where(sql<boolean>`disk_bytes + ${use.diskBytes} <= ${limits.diskBytes}`)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1) return;
    // Refused: say which limit, from what the account holds now.
    const held = await this.computeUsage(accountId);
    if (held.instances + use.instances > limits.instances) {
      throw new KilnError(
        'InstanceQuotaExceeded',
        `instance quota exceeded: the account has ${held.instances} of ${limits.instances} instances and asked for ${use.instances} more`,
      );
    }
    if (held.disks + use.disks > limits.disks) {
      throw new KilnError('DiskQuotaExceeded', `disk quota exceeded: the account has ${held.disks} of ${limits.disks} disks and asked for ${use.disks} more`);
    }
    throw new KilnError(
      'DiskQuotaExceeded',
      `disk size quota exceeded: the account has ${gb(held.diskBytes)} of ${gb(limits.diskBytes)} GB provisioned and asked for ${gb(use.diskBytes)} GB more`,
    );
  }

  async releaseCompute(accountId: string, use: ComputeUse): Promise<void> {
    const down = (col: string, n: number) => sql<number>`case when ${sql.ref(col)} > ${n} then ${sql.ref(col)} - ${n} else 0 end`;
    await this.db
      .updateTable('account_compute_usage')
      .set({ instances: down('instances', use.instances), disks: down('disks', use.disks), disk_bytes: down('disk_bytes', use.diskBytes) })
      .where('account_id', '=', accountId)
      .execute();
  }

  async computeUsage(accountId: string): Promise<ComputeUse> {
    const r = await this.db.selectFrom('account_compute_usage').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return { instances: Number(r?.instances ?? 0), disks: Number(r?.disks ?? 0), diskBytes: Number(r?.disk_bytes ?? 0) };
  }

  async imageUsage(accountId: string): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('account_image_quota').select(['product', 'used']).where('account_id', '=', accountId).execute();
    return Object.fromEntries(rows.map((r) => [r.product, Number(r.used)]));
  }
}

function gb(bytes: number): number {
  return Math.ceil(bytes / 1024 ** 3);
}
