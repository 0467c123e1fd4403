import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KilnConfig } from '../../config/config.ts';
import { ChunkWriter } from '../../core/chunks/chunk-writer.ts';
import { chunkDisk } from '../../disk/chunker.ts';
import { DiskFormatError } from '../../disk/disk-reader.ts';
import { openDiskSource } from '../../disk/open-disk.ts';
import type { PhaseOf } from '../../core/work-progress.ts';
import type { JobOf } from '../../core/jobs/job-payloads.ts';
import { DownloadError } from '../../net/download-error.ts';
import { openImportSource } from '../../net/import-source.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { FailedJob, JobContext, JobHandler } from '../job-runner.ts';
import { failImage, markImageMade } from '../../core/images/image-lifecycle.ts';

/**
 * Streams an untrusted URL through the disk engine: the URL is opened as a byte source
 * (HTTP ranges where the server offers them, a spool file in the scratch dir where it
 * does not), the format comes from the content (never the claim), and the chunk pipeline
 * reads, hashes and stores the virtual disk while the bytes arrive.
 */
export class ImportHandler implements JobHandler<'import'> {
  constructor(private readonly deps: { store: MetadataStore; blobs: BlobStore; config: KilnConfig }) {}

  async perform(job: JobOf<'import'>, ctx: JobContext): Promise<void> {
    const { url, format } = job.payload;
    const scratch = join(this.deps.config.dataDir, 'scratch', job.id);
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    try {
      const policy = { ...this.deps.config.imports, allowedSchemes: ['http:' as const, 'https:' as const] };
      // A server without ranges is downloaded whole first, then converted: two phases,
      // each counted in its own bytes (the file's, then the virtual disk's) rather than
      // one sum guessed before the disk's size is known. With ranges both happen at once.
      const download: PhaseOf = { name: 'download', index: 1, count: 2 };
      const source = await openImportSource(url, policy, {
        spoolPath: join(scratch, 'source'),
        spoolSpace: { dir: scratch, reserve: this.deps.config.imports.minFreeBytes },
        signal: ctx.signal,
        onSpoolProgress: (bytes, total) => ctx.progress(bytes, total, download),
      }).catch(asJobError);
      const convert: PhaseOf | undefined = source.kind === 'spool' ? { name: 'convert', index: 2, count: 2 } : undefined;
      const reader = await openDiskSource(source, { maxVirtualSize: this.deps.config.disk.maxVirtualSize, claimedFormat: format }).catch(asJobError);
      // The disk's size is known once its header is read: shown before the first chunk.
      ctx.progress(0, reader.virtualSize, convert);
      try {
        const sink = new ChunkWriter(this.deps.store, this.deps.blobs, job.id, ctx.signal);
        const chunked = await chunkDisk(reader, sink, {
          chunkSize: this.deps.config.disk.chunkSize,
          signal: ctx.signal,
          onProgress: (done, total) => ctx.progress(done, total, convert),
        }).catch(asJobError);
        await sink.flush();
        // An image deleted (or failed) meanwhile gets no manifest; the job still ends.
        await ctx.commit(async (tx) => {
          await markImageMade(tx, job.imageId!, chunked);
        });
      } finally {
        await reader.close();
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async fail(job: FailedJob<'import'>, reason: string, tx: Repositories): Promise<void> {
    if (job.imageId !== null) await failImage(tx, job.imageId, reason);
  }
}

/**
 * Refusals of the file or the URL cannot succeed on a second try; transient download
 * failures (5xx, timeouts, a range that kept failing) are retried by the runner.
 */
function asJobError(e: unknown): never {
  if (e instanceof DiskFormatError) throw new PermanentJobError(`import failed: ${e.message}`);
  if (e instanceof DownloadError && !e.transient) throw new PermanentJobError(`import failed: ${e.reason}`);
  if (e instanceof DownloadError) throw new Error(`import failed: ${e.reason}`);
  throw e;
}
