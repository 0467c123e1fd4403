import type { KilnConfig } from '../../config/config.ts';
import { ChunkWriter } from '../../core/chunks/chunk-writer.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { ComputeDriver } from '../../core/ports/compute-driver.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import { chunkDisk, type ChunkedDisk } from '../../disk/chunker.ts';
import { chunkOverlay, inheritedKeys } from '../../disk/overlay-capture.ts';
import type { Disk, Manifest } from '../../core/model.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { FailedJob, JobContext, JobHandler } from '../job-runner.ts';
import { failImage, markImageMade } from '../../core/images/image-lifecycle.ts';
import { endImaging } from '../../core/instances/instance-lifecycle.ts';
import type { JobOf } from '../../core/jobs/job-payloads.ts';

/**
 * Reads a stopped instance's disks into chunks (on the node that holds them) and commits
 * every manifest with the images' `available` state and the job's end in one
 * transaction, releasing the instance last.
 */
export class CaptureHandler implements JobHandler<'capture'> {
  constructor(private readonly deps: { store: MetadataStore; compute: ComputeDriver; blobs: BlobStore; config: KilnConfig }) {}

  async perform(job: JobOf<'capture'>, ctx: JobContext): Promise<void> {
    const { disks: wanted } = job.payload;
    const instanceId = job.instanceId!;
    const disks = await this.deps.store.instances.disks(instanceId);
    const targets = wanted.map((w) => {
      const disk = disks.find((x) => x.id === w.diskId);
      if (!disk) throw new PermanentJobError(`disk ${w.diskId} of instance ${instanceId} no longer exists`);
      return { disk, imageId: w.imageId };
    });
    const total = targets.reduce((n, t) => n + t.disk.sizeBytes, 0);
    const sink = new ChunkWriter(this.deps.store, this.deps.blobs, job.id, ctx.signal);
    let before = 0;
    const results: { imageId: string; chunked: ChunkedDisk; inheritsFrom?: string }[] = [];
    for (const t of targets) {
      const backing = await this.backingOf(t.disk, job.id);
      ctx.step('hold');
      const reader = await this.deps.compute.openDisk(t.disk, { overlayOnly: backing !== undefined });
      ctx.step('open');
      try {
        const opts = {
          chunkSize: this.deps.config.disk.chunkSize,
          signal: ctx.signal,
          onProgress: (done: number) => ctx.progress(before + Math.min(done, t.disk.sizeBytes), total),
        };
        // Chunks of the backing image that the blob store lost (a restarted S3-compatible
        // server without its data) are read through the cache file and stored again.
        const lost = backing ? await this.deps.blobs.missingAmong(inheritedKeys(backing.manifest)) : undefined;
        if (backing) ctx.step('lost chunks');
        const chunked = backing ? await chunkOverlay(reader, backing.manifest, sink, opts, lost, ctx.step) : await chunkDisk(reader, sink, opts);
        ctx.step('chunks');
        results.push({ imageId: t.imageId, chunked, ...(backing ? { inheritsFrom: backing.imageId } : {}) });
      } finally {
        await reader.close();
      }
      before += t.disk.sizeBytes;
    }
    await sink.flush(results.flatMap((r) => r.chunked.chunks));
    ctx.step('sync');
    ctx.progress(total, total);
    await ctx.commit(async (tx) => {
      // An image that is no longer being made (it failed meanwhile) gets no manifest.
      for (const r of results) await markImageMade(tx, r.imageId, { ...r.chunked, ...(r.inheritsFrom ? { inheritsFrom: r.inheritsFrom } : {}) });
      await endImaging(tx, instanceId);
    });
  }

  /**
   * The image a disk is an overlay on and its manifest, when its chunks can stand for what
   * the disk never wrote: the image still has its manifest (a deleted one's chunks may be
   * collected any time), in chunks of the size this capture cuts. Its chunks are held from
   * here to the commit by one hold record (ChunkReferences.holdImage), taken before the
   * manifest is read, so a delete racing us either comes first (no hold, no manifest: the
   * whole disk is read) or turns the hold into pending records of this job's.
   * Otherwise the capture reads the whole disk.
   */
  private async backingOf(disk: Disk, jobId: string): Promise<{ imageId: string; manifest: Manifest } | undefined> {
    const imageId = await this.deps.compute.backingImageOf(disk);
    if (imageId === undefined) return undefined;
    if (!(await this.deps.store.chunks.holdImage(jobId, imageId))) return undefined;
    // A hold on a manifest of another chunk size keeps its chunks a little longer, until this job ends: harmless.
    const manifest = await this.deps.store.images.getManifest(imageId);
    if (!manifest || manifest.chunkSize !== this.deps.config.disk.chunkSize) return undefined;
    return { imageId, manifest };
  }

  async fail(job: FailedJob<'capture'>, reason: string, tx: Repositories): Promise<void> {
    // An unreadable payload still names the image on the job row; its snapshots hang off it.
    const imageIds =
      job.payload?.disks.map((x) => x.imageId) ?? (job.imageId === null ? [] : [job.imageId, ...(await tx.images.listByParent(job.imageId)).map((x) => x.id)]);
    for (const id of imageIds) await failImage(tx, id, reason);
    if (job.instanceId !== null) await endImaging(tx, job.instanceId);
  }
}
