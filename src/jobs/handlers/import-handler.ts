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
import { dropUpload } from '../../core/uploads/upload-service.ts';
import type { ByteSource } from '../../disk/byte-source.ts';
import type { DiskFormat } from '../../disk/disk-reader.ts';
import { ConvertUploadPhase, openUploadSource } from './upload-import-source.ts';

/** The upload a failed import's payload names, read defensively: a failed payload may not fit its schema. */
function uploadOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || !('uploadId' in payload)) return undefined;
  return typeof payload.uploadId === 'string' ? payload.uploadId : undefined;
}

/**
 * Streams an untrusted URL through the disk engine: the URL is opened as a byte source
 * (HTTP ranges where the server offers them, a spool file in the scratch dir where it
 * does not), the format comes from the content (never the claim), and the chunk pipeline
 * reads, hashes and stores the virtual disk while the bytes arrive. An uploaded file
 * (src/core/uploads) takes the same path from its staged parts.
 */
export class ImportHandler implements JobHandler<'import'> {
  constructor(private readonly deps: { store: MetadataStore; blobs: BlobStore; config: KilnConfig }) {}

  async perform(job: JobOf<'import'>, ctx: JobContext): Promise<void> {
    const { payload } = job;
    if ('uploadId' in payload) return this.fromUpload(job, payload.uploadId, payload.format, ctx);
    const { url, format } = payload;
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
      await this.convert(job, ctx, source, format, convert, async () => {});
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /**
   * An upload's staged parts, checked against the declared checksum, then converted like a
   * URL's bytes. The commit that makes the image available also forgets the upload, so its
   * parts are held by the manifest (where they are the image's chunks) or by nothing.
   */
  private async fromUpload(job: JobOf<'import'>, uploadId: string, format: DiskFormat, ctx: JobContext): Promise<void> {
    const source = await openUploadSource(this.deps, uploadId, ctx.signal, (done, total, phase) => ctx.progress(done, total, phase));
    await this.convert(job, ctx, source, format, ConvertUploadPhase, (tx) => dropUpload(tx, uploadId));
  }

  /** The disk engine over any byte source: detect, check, chunk, store, commit. */
  private async convert(
    job: JobOf<'import'>,
    ctx: JobContext,
    source: ByteSource,
    format: DiskFormat,
    phase: PhaseOf | undefined,
    alsoOnCommit: (tx: Repositories) => Promise<void>,
  ): Promise<void> {
    const reader = await openDiskSource(source, { maxVirtualSize: this.deps.config.disk.maxVirtualSize, claimedFormat: format }).catch(asJobError);
    // The disk's size is known once its header is read: shown before the first chunk.
    ctx.progress(0, reader.virtualSize, phase);
    try {
      const sink = new ChunkWriter(this.deps.store, this.deps.blobs, job.id, ctx.signal);
      const chunked = await chunkDisk(reader, sink, {
        chunkSize: this.deps.config.disk.chunkSize,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress(done, total, phase),
      }).catch(asJobError);
      await sink.flush();
      // An image deleted (or failed) meanwhile gets no manifest; the job still ends.
      await ctx.commit(async (tx) => {
        await markImageMade(tx, job.imageId!, chunked);
        await alsoOnCommit(tx);
      });
    } finally {
      await reader.close();
    }
  }

  async fail(job: FailedJob<'import'>, reason: string, tx: Repositories): Promise<void> {
    if (job.imageId !== null) await failImage(tx, job.imageId, reason);
    // A failed upload keeps nothing: its parts lose their hold and are collected.
    const uploadId = uploadOf(job.payload);
    if (uploadId !== undefined) await dropUpload(tx, uploadId);
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
