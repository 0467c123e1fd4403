import type { JobOf } from '../../core/jobs/job-payloads.ts';
import type { Disk } from '../../core/model.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { ComputeDriver } from '../../core/ports/compute-driver.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import { abandonReinstall, markReinstalled } from '../../core/instances/instance-lifecycle.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { FailedJob, JobContext, JobHandler } from '../job-runner.ts';

/**
 * Reinstalls a stopped instance on its node: writes the image into a NEW boot disk file
 * (and new empty data disks when they are not kept), then, in one commit, points the disk
 * rows at the new files and the instance at the new image, and starts it, as UCloud
 * starts a host after a reinstall. The old files are removed only after that commit, so
 * a reinstall that fails leaves the instance stopped with the disks it had.
 */
export class ReinstallHandler implements JobHandler<'reinstall'> {
  constructor(private readonly deps: { store: MetadataStore; compute: ComputeDriver; blobs: BlobStore }) {}

  async perform(job: JobOf<'reinstall'>, ctx: JobContext): Promise<void> {
    const instanceId = job.instanceId!;
    const { payload } = job;
    const instance = await this.deps.store.instances.get(instanceId);
    if (!instance || instance.state !== 'reinstalling') throw new PermanentJobError(`instance ${instanceId} is not being reinstalled`);
    if (instance.nodeId !== ctx.nodeId) throw new PermanentJobError(`instance ${instanceId} is placed on another node`);
    const image = await this.deps.store.images.get(payload.imageId);
    const manifest = await this.deps.store.images.getManifest(payload.imageId);
    if (!image || !manifest) throw new PermanentJobError(`image ${payload.imageId} was deleted`);
    const disks = await this.deps.store.instances.disks(instanceId);
    const replaced = disks.filter((x) => x.isBoot || !payload.keepDataDisks);
    // Named by the job, so a retried attempt overwrites its own earlier files.
    const generation = job.id.toLowerCase().replace(/[^a-z0-9-]/g, '');
    const fresh = new Map<string, string>();
    try {
      // Held as pending while read, as a deployment does, so garbage collection cannot take
      // chunks from under us should the image be deleted meanwhile; re-read after.
      await this.deps.store.chunks.addPending(
        job.id,
        manifest.chunks.filter((c): c is string => c !== null),
      );
      if (!(await this.deps.store.images.getManifest(payload.imageId))) throw new PermanentJobError(`image ${payload.imageId} was deleted`);
      for (const disk of replaced) {
        ctx.signal.throwIfAborted();
        const path = disk.isBoot
          ? await this.deps.compute.createImageDisk(instanceId, disk.index, payload.bootSizeBytes, { id: image.id, manifest }, this.deps.blobs, {
              generation,
              onProgress: (done, total) => ctx.progress(done, total),
              signal: ctx.signal,
            })
          : await this.deps.compute.createDisk(instanceId, disk.index, disk.sizeBytes, generation);
        fresh.set(disk.id, path);
      }
    } catch (e) {
      // Not when aborted: another worker may be writing these same files now.
      if (!ctx.signal.aborted) await this.removeFiles(instanceId, [...fresh.values()]);
      throw e;
    }
    await ctx.commit(async (tx) => {
      const moved = await markReinstalled(
        tx,
        instanceId,
        image,
        replaced.map((disk) => ({
          diskId: disk.id,
          change: { path: fresh.get(disk.id)!, ...(disk.isBoot ? { sizeBytes: payload.bootSizeBytes, sourceImageId: image.id } : { sourceImageId: null }) },
        })),
      );
      if (!moved) throw new PermanentJobError(`instance ${instanceId} left the reinstalling state`);
    });
    await this.removeFiles(
      instanceId,
      replaced.map((x: Disk) => x.path).filter((p) => p !== '' && ![...fresh.values()].includes(p)),
    );
  }

  async fail(job: FailedJob<'reinstall'>, _reason: string, tx: Repositories): Promise<void> {
    const instance = job.instanceId === null ? undefined : await tx.instances.get(job.instanceId);
    if (!instance) return;
    // An unreadable payload does not say how much was taken: the instance is freed, the quota kept.
    await abandonReinstall(tx, instance, job.payload?.grownBytes ?? 0);
  }

  /** Best effort: a file left behind is removed with the instance's directory when it is terminated. */
  private async removeFiles(instanceId: string, paths: string[]): Promise<void> {
    for (const path of paths) await this.deps.compute.removeDisk(instanceId, path).catch(() => undefined);
  }
}
