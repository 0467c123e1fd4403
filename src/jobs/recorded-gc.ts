import type { Logger } from 'pino';
import { newId } from '../core/ids.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { MetadataStore } from '../core/ports/metadata-store.ts';
import { collectGarbage, type GcResult } from './garbage-collector.ts';

/**
 * A garbage-collection run that leaves a record: what it scanned and deleted, and a
 * sample of the storage afterwards (logical vs stored bytes), which the operator's
 * storage page charts over time. A run skipped because another collector held the lease
 * records nothing (that one records its own). A failure to record is logged, never
 * turned into a failed collection: the chunks were collected either way.
 */
export async function collectAndRecord(d: { store: MetadataStore; blobs: BlobStore; log: Logger; chunkSize: number }): Promise<GcResult> {
  const startedAt = Date.now();
  const result = await collectGarbage(d);
  if (!result.ran) return result;
  try {
    const storage = await d.store.gcRuns.storageNow(d.chunkSize);
    await d.store.gcRuns.record({
      id: newId('gc-'),
      startedAt,
      finishedAt: Date.now(),
      scanned: result.scanned,
      deleted: result.deleted,
      kept: result.kept,
      keptInUse: result.keptInUse,
      storage,
    });
  } catch (err) {
    d.log.warn({ err }, 'garbage collection ran but its record was not written');
  }
  return result;
}
