import type { JobOf } from '../../core/jobs/job-payloads.ts';
import { markDeployed, markDeployFailed } from '../../core/instances/instance-lifecycle.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { ComputeDriver } from '../../core/ports/compute-driver.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { FailedJob, JobContext, JobHandler } from '../job-runner.ts';

/**
 * Deploys a new instance on this worker's node: creates its disks, writes the source
 * image (and data-disk snapshots) into them, and starts it. The instance stays
 * `initializing` until this commits, as the vendors show a host being created.
 */
export class DeployHandler implements JobHandler<'materialize'> {
  constructor(private readonly deps: { store: MetadataStore; compute: ComputeDriver; blobs: BlobStore }) {}

  async perform(job: JobOf<'materialize'>, ctx: JobContext): Promise<void> {
    const instanceId = job.instanceId!;
    if (!(await this.deps.store.instances.get(instanceId))) throw new PermanentJobError(`instance ${instanceId} no longer exists`);
    if (!(await this.deps.store.instances.bindNode(instanceId, ctx.nodeId))) {
      throw new PermanentJobError(`instance ${instanceId} is placed on another node`);
    }
    const disks = await this.deps.store.instances.disks(instanceId);
    try {
      for (const disk of disks) {
        ctx.signal.throwIfAborted();
        if (!disk.sourceImageId) {
          await this.deps.store.instances.setDiskPath(disk.id, await this.createDisk(instanceId, disk.index, disk.sizeBytes));
          continue;
        }
        const manifest = await this.deps.store.images.getManifest(disk.sourceImageId);
        if (!manifest) throw new PermanentJobError(`image ${disk.sourceImageId} has no data`);
        // Held as pending while read, so a delete of the image meanwhile cannot let garbage
        // collection take chunks from under us; re-read after, in case it already happened.
        await this.deps.store.chunks.addPending(
          job.id,
          manifest.chunks.filter((c): c is string => c !== null),
        );
        if (!(await this.deps.store.images.getManifest(disk.sourceImageId))) throw new PermanentJobError(`image ${disk.sourceImageId} was deleted`);
        const path = await this.deps.compute.createImageDisk(instanceId, disk.index, disk.sizeBytes, { id: disk.sourceImageId, manifest }, this.deps.blobs, {
          onProgress: (done, total) => ctx.progress(done, total),
          signal: ctx.signal,
        });
        await this.deps.store.instances.setDiskPath(disk.id, path);
      }
    } catch (e) {
      // A failed attempt leaves no disk behind: a retry creates them again, and a deploy
      // that fails for good leaves the instance `deploy_failed` with nothing on the node.
      // Not when aborted: the lease lapsed (another worker may be deploying it now) or
      // this worker is shutting down (the next one starts over anyway).
      // Should removal itself fail, the attempt's own error is the one worth reporting; the
      // release job that terminating the instance enqueues removes the disks again.
      if (!ctx.signal.aborted)
        await this.removeDisks(
          instanceId,
          disks.map((x) => x.id),
        ).catch(() => undefined);
      throw e;
    }
    await ctx.commit(async (tx) => {
      await markDeployed(tx, instanceId);
    });
  }

  async fail(job: FailedJob<'materialize'>, _reason: string, tx: Repositories): Promise<void> {
    if (job.instanceId !== null) await markDeployFailed(tx, job.instanceId);
  }

  private async createDisk(instanceId: string, index: number, sizeBytes: number): Promise<string> {
    try {
      return await this.deps.compute.createDisk(instanceId, index, sizeBytes);
    } catch (e) {
      // Too large for this node's filesystem: no retry will change that.
      if ((e as NodeJS.ErrnoException).code === 'EFBIG') throw new PermanentJobError(`disk ${index} of ${sizeBytes} bytes is larger than this node can create`);
      throw e;
    }
  }

  private async removeDisks(instanceId: string, diskIds: string[]): Promise<void> {
    await this.deps.compute.deleteInstance(instanceId);
    for (const id of diskIds) await this.deps.store.instances.setDiskPath(id, '');
  }
}
