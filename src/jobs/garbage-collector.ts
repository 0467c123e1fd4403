import type { Logger } from 'pino';
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { ImageRepo } from '../store/metadata/image-repo.ts';
import type { JobRepo } from '../store/metadata/job-repo.ts';

export interface GcResult {
  scanned: number;
  deleted: number;
  kept: number;
  /** Unreferenced chunks spared because a job may still commit them. */
  keptInUse: number;
}

/**
 * Deletes chunks no manifest references. A running job may be writing chunks (or
 * reusing existing ones, which refreshes their timestamp) for a manifest not committed
 * yet, so only chunks untouched since before the oldest unfinished job began are
 * candidates. Safe to run beside any number of workers.
 */
export async function collectGarbage(d: { images: ImageRepo; jobs: JobRepo; blobs: BlobStore; log?: Logger }): Promise<GcResult> {
  const startedAt = Date.now();
  const oldestActive = await d.jobs.oldestActiveStart();
  // A second of slack for file-system timestamp granularity.
  const horizon = Math.min(startedAt, oldestActive ?? startedAt) - 1000;
  const referenced = await d.images.referencedChunks();
  const result: GcResult = { scanned: 0, deleted: 0, kept: 0, keptInUse: 0 };
  for await (const { key, touchedAt } of d.blobs.list()) {
    result.scanned++;
    if (referenced.has(key)) {
      result.kept++;
      continue;
    }
    if (touchedAt >= horizon) {
      result.kept++;
      result.keptInUse++;
      continue;
    }
    await d.blobs.delete(key);
    result.deleted++;
  }
  d.log?.info({ ...result }, 'garbage collection done');
  return result;
}
