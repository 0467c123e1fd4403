import type { ComputeDriver } from '../../compute/compute-driver.ts';
import type { Job } from '../../core/model.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { ImageRepo } from '../../store/metadata/image-repo.ts';
import type { InstanceRepo } from '../../store/metadata/instance-repo.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { JobContext, JobHandler } from '../job-runner.ts';

/** Writes the source image (and snapshots) into a new instance's disks, then runs it. */
export class MaterializeHandler implements JobHandler {
  constructor(private readonly d: { images: ImageRepo; instances: InstanceRepo; compute: ComputeDriver; blobs: BlobStore }) {}

  async run(job: Job, ctx: JobContext): Promise<void> {
    const instanceId = job.instanceId!;
    const disks = await this.d.instances.disks(instanceId);
    for (const disk of disks) {
      if (!disk.sourceImageId) continue;
      const manifest = await this.d.images.getManifest(disk.sourceImageId);
      if (!manifest) throw new PermanentJobError(`image ${disk.sourceImageId} has no data`);
      ctx.signal.throwIfAborted();
      await this.d.compute.materialize(disk.path, manifest, this.d.blobs, (done, total) => ctx.progress(done, total));
    }
    await this.d.instances.transition(instanceId, { states: ['initializing'], operation: null }, { state: 'running' });
  }

  async fail(job: Job): Promise<void> {
    await this.d.instances.transition(job.instanceId!, { states: ['initializing'], operation: null }, { state: 'install_fail' });
  }
}
