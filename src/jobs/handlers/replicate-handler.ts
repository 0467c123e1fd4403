import type { JobOf } from '../../core/jobs/job-payloads.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import type { FailedJob, JobContext, JobHandler } from '../job-runner.ts';
import { PermanentJobError } from '../job-errors.ts';

/**
 * Makes an image's copy in another region available. Every region reads the one blob
 * store, so there are no bytes to move; what a copy must still guarantee is that each
 * chunk of the image can be read where it lives, so the job checks every chunk is
 * present (with progress), and fails the copy with the first one missing.
 */
export class ReplicateHandler implements JobHandler<'replicate'> {
  constructor(private readonly deps: { store: MetadataStore; blobs: BlobStore }) {}

  async perform(job: JobOf<'replicate'>, ctx: JobContext): Promise<void> {
    const { imageId, region } = job.payload;
    const manifest = await this.deps.store.images.getManifest(imageId);
    if (!manifest) throw new PermanentJobError(`image ${imageId} has no content any more`);
    const keys = [...new Set(manifest.chunks.filter((c): c is string => c !== null))];
    ctx.progress(0, keys.length);
    for (const [i, key] of keys.entries()) {
      ctx.signal.throwIfAborted();
      if (!(await this.deps.blobs.has(key))) throw new PermanentJobError(`chunk ${key} of image ${imageId} cannot be read`);
      ctx.progress(i + 1, keys.length);
    }
    // false: the image (and its copies) were deleted meanwhile; nothing is left to mark.
    await ctx.commit(async (tx) => void (await tx.replicas.finish(imageId, region, { state: 'available' })));
  }

  async fail(job: FailedJob<'replicate'>, reason: string, tx: Repositories): Promise<void> {
    // Without a readable payload the copy is found by the job that was making it, so it
    // does not stay syncing (which would refuse every later copy of the image).
    const made = job.payload ?? (job.imageId === null ? undefined : (await tx.replicas.of([job.imageId])).find((r) => r.jobId === job.id));
    if (made) await tx.replicas.finish(made.imageId, made.region, { state: 'failed', error: reason });
  }
}
