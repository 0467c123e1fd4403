import type { KilnConfig } from '../../config/config.ts';
import type { ComputeDriver } from '../../compute/compute-driver.ts';
import { chunkDisk, type ChunkedDisk } from '../../disk/chunker.ts';
import type { Job } from '../../core/model.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { Db } from '../../store/metadata/database.ts';
import type { ImageRepo } from '../../store/metadata/image-repo.ts';
import type { InstanceRepo } from '../../store/metadata/instance-repo.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { JobContext, JobHandler } from '../job-runner.ts';

interface CapturePayload {
  disks: { diskId: string; imageId: string }[];
}

/**
 * Reads a stopped instance's disks into chunks and commits every manifest together with
 * the images' `available` state in one transaction, releasing the instance last.
 */
export class CaptureHandler implements JobHandler {
  constructor(
    private readonly d: { db: Db; images: ImageRepo; instances: InstanceRepo; compute: ComputeDriver; blobs: BlobStore; config: KilnConfig },
  ) {}

  async run(job: Job, ctx: JobContext): Promise<void> {
    const { disks: wanted } = job.payload as unknown as CapturePayload;
    const instanceId = job.instanceId!;
    const disks = await this.d.instances.disks(instanceId);
    const targets = wanted.map((w) => {
      const disk = disks.find((x) => x.id === w.diskId);
      if (!disk) throw new PermanentJobError(`disk ${w.diskId} of instance ${instanceId} no longer exists`);
      return { disk, imageId: w.imageId };
    });
    const total = targets.reduce((n, t) => n + t.disk.sizeBytes, 0);
    let before = 0;
    const results: { imageId: string; chunked: ChunkedDisk }[] = [];
    for (const t of targets) {
      const reader = await this.d.compute.openDisk(t.disk);
      try {
        const chunked = await chunkDisk(reader, this.d.blobs, {
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
    ctx.progress(total, total);
    await this.d.db.transaction().execute(async (trx) => {
      for (const r of results) {
        await this.d.images.putManifest(r.imageId, r.chunked, trx);
        await this.d.images.update(r.imageId, { state: 'available', failed_reason: null, virtual_size: r.chunked.virtualSize, stored_size: r.chunked.storedSize }, trx);
      }
      await this.d.instances.transition(instanceId, { states: ['stopped'], operation: 'imaging' }, { operation: null }, trx);
    });
  }

  async fail(job: Job, reason: string): Promise<void> {
    const { disks } = job.payload as unknown as CapturePayload;
    await this.d.db.transaction().execute(async (trx) => {
      for (const d of disks) await this.d.images.update(d.imageId, { state: 'unavailable', failed_reason: reason }, trx);
      await this.d.instances.transition(job.instanceId!, { states: ['stopped'], operation: 'imaging' }, { operation: null }, trx);
    });
  }
}
