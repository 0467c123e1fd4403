import type { Job } from '../../core/model.ts';
import type { ComputeDriver } from '../../core/ports/compute-driver.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import { isGrowPayload, type GrowPayload } from '../../core/instances/resize.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { JobContext, JobHandler } from '../job-runner.ts';

/**
 * Grows a stopped instance's disks on its node (ResizeUHostInstance), then records the new
 * sizes and releases the instance in one commit. Growing a sparse file only adds zeros at
 * its end, so a retried attempt (or one whose commit was lost) repeats it harmlessly.
 */
export class GrowHandler implements JobHandler {
  constructor(private readonly d: { store: MetadataStore; compute: ComputeDriver }) {}

  async run(job: Job, ctx: JobContext): Promise<void> {
    const instanceId = job.instanceId!;
    const payload = this.payloadOf(job);
    const disks = await this.d.store.instances.disks(instanceId);
    for (const g of payload.disks) {
      ctx.signal.throwIfAborted();
      const disk = disks.find((x) => x.id === g.diskId);
      if (!disk || disk.path === '') throw new PermanentJobError(`disk ${g.diskId} of instance ${instanceId} is gone`);
      await this.d.compute.growDisk(disk.path, g.sizeBytes);
    }
    await ctx.commit(async (tx) => {
      for (const g of payload.disks) await tx.instances.updateDisk(g.diskId, { sizeBytes: g.sizeBytes });
      if (!(await tx.instances.transition(instanceId, { states: ['stopped'], operation: 'resizing' }, { operation: null }))) {
        throw new PermanentJobError(`instance ${instanceId} is no longer being resized`);
      }
    });
  }

  async fail(job: Job, _reason: string, tx: Repositories): Promise<void> {
    const instance = await tx.instances.get(job.instanceId!);
    if (!instance) return;
    if (await tx.instances.transition(instance.id, { states: ['stopped'], operation: 'resizing' }, { operation: null })) {
      const grown = isGrowPayload(job.payload) ? job.payload.grownBytes : 0;
      if (grown > 0) await tx.quota.releaseCompute(instance.accountId, { instances: 0, disks: 0, diskBytes: grown });
    }
  }

  private payloadOf(job: Job): GrowPayload {
    if (!isGrowPayload(job.payload)) throw new PermanentJobError('grow job without a valid payload');
    return job.payload;
  }
}
