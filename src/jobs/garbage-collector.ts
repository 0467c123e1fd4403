import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { CollectorLease } from '../core/chunks/chunk-writer.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { MetadataStore } from '../core/ports/metadata-store.ts';
import { expireUploads } from '../core/uploads/upload-expiry.ts';

export interface GcResult {
  /** False when another collector held the lease; nothing was done. */
  ran: boolean;
  scanned: number;
  deleted: number;
  kept: number;
  /** Unreferenced chunks spared because a writer or reader had them pending. */
  keptInUse: number;
  /** Unfinished uploads past their expiry, ended before the sweep so their parts go with it. */
  expiredUploads: number;
}

export interface GcOptions {
  /** Keys read from the blob store and checked against the metadata store at a time. */
  pageSize?: number;
  /** How long the collector's lease lasts between renewals. */
  leaseMs?: number;
  /** Pending uses by owners that are not jobs (e.g. an add-base command) expire after this. */
  joblessPendingMs?: number;
}

/**
 * Deletes chunks that no manifest references and no writer or reader has pending,
 * without trusting any timestamp: safe beside any number of writers on any hosts and on
 * object stores. One collector runs at a time (a lease on the database clock), and it
 * holds one page of keys in memory, never every manifest.
 *
 * Deleting is two-phase: a page's candidates are first announced (doomed) in the
 * metadata store; then each is confirmed unused once more and deleted, and only after
 * the deletion is its announcement dropped. A writer records its pending use before it
 * looks at a chunk and waits while the chunk is announced (ChunkWriter), so either the
 * confirmation sees the writer's pending use, or the writer sees the announcement and
 * uploads the chunk again after the deletion.
 */
export async function collectGarbage(d: { store: MetadataStore; blobs: BlobStore; log?: Logger }, opts: GcOptions = {}): Promise<GcResult> {
  const pageSize = opts.pageSize ?? 1000;
  const leaseMs = opts.leaseMs ?? 60_000;
  const owner = `gc:${randomBytes(6).toString('hex')}`;
  const result: GcResult = { ran: false, scanned: 0, deleted: 0, kept: 0, keptInUse: 0, expiredUploads: 0 };
  if (!(await d.store.leases.acquire(CollectorLease, owner, leaseMs))) {
    d.log?.info('garbage collection skipped: another collector is running');
    return result;
  }
  result.ran = true;
  const renew = async () => {
    if (!(await d.store.leases.acquire(CollectorLease, owner, leaseMs))) throw new Error('garbage collector lost its lease');
  };
  try {
    result.expiredUploads = await expireUploads(d.store);
    await d.store.chunks.prunePending({ olderThanMs: opts.joblessPendingMs ?? 24 * 3600_000 });
    // Announcements a collector that died left behind are finished first.
    for (;;) {
      const leftover = await d.store.chunks.leftoverDoomed(pageSize);
      if (leftover.length === 0) break;
      await sweep(d, leftover, result, renew);
    }
    for await (const page of d.blobs.list({ pageSize })) {
      result.scanned += page.length;
      const inUse = await d.store.chunks.inUseAmong(page);
      const candidates = page.filter((k) => !inUse.has(k));
      result.kept += page.length - candidates.length;
      if (candidates.length === 0) continue;
      const doomed = await d.store.chunks.doom(candidates);
      result.kept += candidates.length - doomed.length;
      result.keptInUse += candidates.length - doomed.length;
      await sweep(d, doomed, result, renew);
    }
  } finally {
    await d.store.leases.release(CollectorLease, owner).catch(() => undefined);
  }
  d.log?.info({ ...result }, 'garbage collection done');
  return result;
}

async function sweep(d: { store: MetadataStore; blobs: BlobStore }, doomed: string[], result: GcResult, renew: () => Promise<void>): Promise<void> {
  await renew();
  const deleted: string[] = [];
  for (const key of doomed) {
    if (!(await d.store.chunks.confirmDoom(key))) {
      result.kept++;
      result.keptInUse++;
      continue;
    }
    await d.blobs.delete(key);
    deleted.push(key);
    result.deleted++;
  }
  await d.store.chunks.clearDoom(deleted);
}
