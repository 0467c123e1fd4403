import type { JobOf } from '../../core/jobs/job-payloads.ts';
import type { ComputeDriver } from '../../core/ports/compute-driver.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import { abandonResize, markResized } from '../../core/instances/instance-lifecycle.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { FailedJob, JobContext, JobHandler } from '../job-runner.ts';

/**
 * Grows a stopped instance's disks on its node (ResizeUHostInstance), then records the new
 * sizes and releases the instance in one commit. Growing a sparse file only adds zeros at
 * its end, so a retried attempt (or one whose commit was lost) repeats it harmlessly.
 */
export class GrowHandler implements JobHandler<'grow'> {
  constructor(private readonly deps: { store: MetadataStore; compute: ComputeDriver }) {}

  async perform(job: JobOf<'grow'>, ctx: JobContext): Promise<void> {
    const instanceId = job.instanceId!;
    const { payload } = job;
    const disks = await this.deps.store.instances.disks(instanceId);
    for (const g of payload.disks) {
      ctx.signal.throwIfAborted();
      const disk = disks.find((x) => x.id === g.diskId);
      if (!disk || disk.path === '') throw new PermanentJobError(`disk ${g.diskId} of instance ${instanceId} is gone`);
      await this.deps.compute.growDisk(disk.path, g.sizeBytes);
    }
    await ctx.commit(async (tx) => {
      if (!(await markResized(tx, instanceId, payload.disks))) throw new PermanentJobError(`instance ${instanceId} is no longer being resized`);
    });
  }

  async fail(job: FailedJob<'grow'>, _reason: string, tx: Repositories): Promise<void> {
    const instance = job.instanceId === null ? undefined : await tx.instances.get(job.instanceId);
    if (!instance) return;
    // An unreadable payload does not say how much was taken: the instance is freed, the quota kept.
    await abandonResize(tx, instance, job.payload?.grownBytes ?? 0);
  }
}
