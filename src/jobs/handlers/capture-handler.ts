import type { KilnConfig } from '../../config/config.ts';
import { ChunkWriter } from '../../core/chunks/chunk-writer.ts';
import type { Job } from '../../core/model.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { ComputeDriver } from '../../core/ports/compute-driver.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import { chunkDisk, type ChunkedDisk } from '../../disk/chunker.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { JobContext, JobHandler } from '../job-runner.ts';
import { failImage } from '../../core/images/fail-image.ts';

interface CapturePayload {
  disks: { diskId: string; imageId: string }[];
}

/**
 * Reads a stopped instance's disks into chunks (on the node that holds them) and commits
 * every manifest with the images' `available` state and the job's end in one
 * transaction, releasing the instance last.
 */
export class CaptureHandler implements JobHandler {
  constructor(private readonly d: { store: MetadataStore; compute: ComputeDriver; blobs: BlobStore; config: KilnConfig }) {}

  async run(job: Job, ctx: JobContext): Promise<void> {
    const { disks: wanted } = job.payload as unknown as CapturePayload;
    const instanceId = job.instanceId!;
    const disks = await this.d.store.instances.disks(instanceId);
    const targets = wanted.map((w) => {
      const disk = disks.find((x) => x.id === w.diskId);
      if (!disk) throw new PermanentJobError(`disk ${w.diskId} of instance ${instanceId} no longer exists`);
      return { disk, imageId: w.imageId };
    });
    const total = targets.reduce((n, t) => n + t.disk.sizeBytes, 0);
    const sink = new ChunkWriter(this.d.store, this.d.blobs, job.id, ctx.signal);
    let before = 0;
    const results: { imageId: string; chunked: ChunkedDisk }[] = [];
    for (const t of targets) {
      const reader = await this.d.compute.openDisk(t.disk);
      try {
        const chunked = await chunkDisk(reader, sink, {
          chunkSize: this.d.config.disk.chunkSize,
          signal: ctx.signal,
          onProgress: (done) => ctx.progress(before + Math.min(done, t.disk.sizeBytes), total),
        });
        results.push({ imageId: t.imageId, chunked });
      } finally {
        await reader.close();
      }
      before += t.disk.sizeBytes;
    }
    await sink.flush();
    ctx.progress(total, total);
    await ctx.commit(async (tx) => {
      // An image that is no longer being made (it failed meanwhile) gets no manifest.
      for (const r of results) await tx.images.markAvailable(r.imageId, r.chunked);
      await tx.instances.transition(instanceId, { states: ['stopped'], operation: 'imaging' }, { operation: null });
    });
  }

  async fail(job: Job, reason: string, tx: Repositories): Promise<void> {
    const { disks } = job.payload as unknown as CapturePayload;
    for (const d of disks) await failImage(tx, d.imageId, reason);
    await tx.instances.transition(job.instanceId!, { states: ['stopped'], operation: 'imaging' }, { operation: null });
  }
}
