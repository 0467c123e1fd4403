import { sql } from 'kysely';
import type { Upload, UploadPart } from '../../core/model.ts';
import type { UploadRepository } from '../../core/ports/metadata-store.ts';
import { Products, type Product } from '../../core/products.ts';
import { dbNowMs, inTransaction, type Db, type Engine } from './engine.ts';
import type { UploadsTable } from './schema.ts';

const formats = ['raw', 'qcow2', 'vmdk', 'vhd'] as const;

function toUpload(r: UploadsTable): Upload {
  const product = Products.find((p) => p === r.product);
  const format = formats.find((f) => f === r.format);
  // Rows are written only by this repository; anything else is a hand-edited row.
  if (!product || !format) throw new Error(`upload ${r.id} has an unknown product or format`);
  return {
    id: r.id,
    accountId: r.account_id,
    projectId: r.project_id,
    product: product satisfies Product,
    imageId: r.image_id,
    length: Number(r.length),
    offset: Number(r.received),
    format,
    checksum: r.checksum,
    state: r.state === 'processing' ? 'processing' : 'receiving',
    expiresAt: Number(r.expires_at),
    createdAt: Number(r.created_at),
  };
}

/** Uploads and their staged parts (see UploadRepository). */
export class KyselyUploadRepository implements UploadRepository {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async insert(u: Omit<Upload, 'expiresAt' | 'createdAt'>, expiresInMs: number): Promise<Upload> {
    const now = dbNowMs(this.engine);
    await this.db
      .insertInto('uploads')
      .values({
        id: u.id,
        account_id: u.accountId,
        project_id: u.projectId,
        product: u.product,
        image_id: u.imageId,
        length: u.length,
        received: u.offset,
        format: u.format,
        checksum: u.checksum,
        state: u.state,
        expires_at: sql<number>`${now} + ${expiresInMs}`,
        created_at: now,
      })
      .execute();
    const row = await this.get(u.id);
    if (!row) throw new Error(`upload ${u.id} vanished after its insert`);
    return row;
  }

  async get(id: string): Promise<Upload | undefined> {
    const r = await this.db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toUpload(r) : undefined;
  }

  async forImage(imageId: string): Promise<Upload | undefined> {
    const r = await this.db.selectFrom('uploads').selectAll().where('image_id', '=', imageId).executeTakeFirst();
    return r ? toUpload(r) : undefined;
  }

  async countReceiving(accountId: string): Promise<number> {
    const r = await this.db
      .selectFrom('uploads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('state', '=', 'receiving')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  appendParts(uploadId: string, parts: UploadPart[], expiresInMs: number): Promise<boolean> {
    const first = parts[0];
    if (first === undefined) return Promise.resolve(true);
    let end = first.start;
    for (const p of parts) {
      // Only a contiguous run can move the offset in one step.
      if (p.start !== end) throw new Error(`upload ${uploadId}: parts must be contiguous (${p.start} after ${end})`);
      end += p.length;
    }
    const length = end - first.start;
    return inTransaction(this.db, async (trx) => {
      const moved = await trx
        .updateTable('uploads')
        .set({ received: sql<number>`received + ${length}`, expires_at: sql<number>`${dbNowMs(this.engine)} + ${expiresInMs}` })
        .where('id', '=', uploadId)
        .where('state', '=', 'receiving')
        .where('received', '=', first.start)
        .where(sql<boolean>`received + ${length} <= length`)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto('upload_parts')
        .values(parts.map((p) => ({ upload_id: uploadId, start: p.start, length: p.length, chunk_key: p.chunkKey })))
        .execute();
      return true;
    });
  }

  async parts(uploadId: string): Promise<UploadPart[]> {
    const rows = await this.db.selectFrom('upload_parts').selectAll().where('upload_id', '=', uploadId).orderBy('start').execute();
    return rows.map((r) => ({ start: Number(r.start), length: Number(r.length), chunkKey: r.chunk_key }));
  }

  async markProcessing(uploadId: string): Promise<boolean> {
    const res = await this.db
      .updateTable('uploads')
      .set({ state: 'processing' })
      .where('id', '=', uploadId)
      .where('state', '=', 'receiving')
      .where(sql<boolean>`received = length`)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async expired(limit: number): Promise<Upload[]> {
    const rows = await this.db
      .selectFrom('uploads')
      .selectAll()
      .where('state', '=', 'receiving')
      .where('expires_at', '<', dbNowMs(this.engine))
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map(toUpload);
  }

  async delete(uploadId: string): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx.deleteFrom('upload_parts').where('upload_id', '=', uploadId).execute();
      await trx.deleteFrom('uploads').where('id', '=', uploadId).execute();
    });
  }
}
