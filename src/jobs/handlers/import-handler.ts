import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KilnConfig } from '../../config/config.ts';
import { ChunkWriter } from '../../core/chunks/chunk-writer.ts';
import { chunkDisk } from '../../disk/chunker.ts';
import { DiskFormatError, type DiskFormat } from '../../disk/disk-reader.ts';
import { openDisk } from '../../disk/open-disk.ts';
import type { Job } from '../../core/model.ts';
import { downloadToFile, DownloadError } from '../../net/safe-download.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { JobContext, JobHandler } from '../job-runner.ts';

interface ImportPayload {
  url: string;
  format: DiskFormat;
}

/**
 * Downloads an untrusted URL to a scratch file, inspects it with the disk engine (format
 * from content, never from the claim), and runs it through the chunk pipeline.
 */
export class ImportHandler implements JobHandler {
  constructor(private readonly d: { store: MetadataStore; blobs: BlobStore; config: KilnConfig }) {}

  async run(job: Job, ctx: JobContext): Promise<void> {
    const { url, format } = job.payload as unknown as ImportPayload;
    const scratch = join(this.d.config.dataDir, 'scratch', job.id);
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });
    try {
      const file = join(scratch, 'source');
      const policy = this.d.config.imports;
      try {
        await downloadToFile(url, file, { ...policy, allowedSchemes: ['http:', 'https:'] }, {
          signal: ctx.signal,
          onProgress: (bytes, total) => ctx.progress(bytes, (total ?? bytes) * 2),
        });
      } catch (e) {
        // Transient failures (5xx, timeouts, truncation) are retried by the runner; the
        // rest cannot succeed on a second try.
        if (e instanceof DownloadError && !e.transient) throw new PermanentJobError(`import failed: ${e.reason}`);
        if (e instanceof DownloadError) throw new Error(`import failed: ${e.reason}`);
        throw e;
      }
      let reader;
      try {
        reader = await openDisk(file, { maxVirtualSize: this.d.config.disk.maxVirtualSize, claimedFormat: format });
      } catch (e) {
        if (e instanceof DiskFormatError) throw new PermanentJobError(`import failed: ${e.message}`);
        throw e;
      }
      try {
        const sink = new ChunkWriter(this.d.store, this.d.blobs, job.id, ctx.signal);
        const chunked = await chunkDisk(reader, sink, {
          chunkSize: this.d.config.disk.chunkSize,
          signal: ctx.signal,
          onProgress: (done, total) => ctx.progress(total + done, total * 2),
        });
        await sink.flush();
        // An image deleted (or failed) meanwhile gets no manifest; the job still ends.
        await ctx.commit(async (tx) => {
          await tx.images.markAvailable(job.imageId!, chunked);
        });
      } catch (e) {
        if (e instanceof DiskFormatError) throw new PermanentJobError(`import failed: ${e.message}`);
        throw e;
      } finally {
        await reader.close();
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async fail(job: Job, reason: string, tx: Repositories): Promise<void> {
    await tx.images.markFailed(job.imageId!, reason);
  }
}
