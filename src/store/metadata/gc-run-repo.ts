import type { GcRun, GcRunLog, StorageSample } from '../../core/ports/metadata-store.ts';
import type { Db } from './engine.ts';

/** Garbage-collection runs and their storage samples, for the operator's storage page. */
export class KyselyGcRunLog implements GcRunLog {
  constructor(private readonly db: Db) {}

  async record(run: GcRun): Promise<void> {
    await this.db
      .insertInto('gc_runs')
      .values({
        id: run.id,
        started_at: run.startedAt,
        finished_at: run.finishedAt,
        scanned: run.scanned,
        deleted: run.deleted,
        kept: run.kept,
        kept_in_use: run.keptInUse,
        logical_bytes: run.storage.logicalBytes,
        stored_bytes: run.storage.storedBytes,
        unique_chunks: run.storage.uniqueChunks,
      })
      .execute();
  }

  async recent(limit: number): Promise<GcRun[]> {
    const rows = await this.db.selectFrom('gc_runs').selectAll().orderBy('finished_at', 'desc').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      startedAt: Number(r.started_at),
      finishedAt: Number(r.finished_at),
      scanned: Number(r.scanned),
      deleted: Number(r.deleted),
      kept: Number(r.kept),
      keptInUse: Number(r.kept_in_use),
      storage: { logicalBytes: Number(r.logical_bytes), storedBytes: Number(r.stored_bytes), uniqueChunks: Number(r.unique_chunks) },
    }));
  }

  async storageNow(chunkSize: number): Promise<StorageSample> {
    const logical = await this.db
      .selectFrom('images')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('stored_size'), eb.val(0)).as('bytes'))
      .where('state', '=', 'available')
      .executeTakeFirst();
    const unique = await this.db
      .selectFrom('image_chunks')
      .select((eb) => eb.fn.count<number>('chunk_key').distinct().as('n'))
      .executeTakeFirst();
    const uniqueChunks = Number(unique?.n ?? 0);
    return { logicalBytes: Number(logical?.bytes ?? 0), storedBytes: uniqueChunks * chunkSize, uniqueChunks };
  }
}
