import type { Disk, Job } from '../../core/model.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { ComputeDriver } from '../../core/ports/compute-driver.ts';
import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import { isReinstallPayload, type ReinstallPayload } from '../../core/instances/reinstall.ts';
import { PermanentJobError } from '../job-errors.ts';
import type { JobContext, JobHandler } from '../job-runner.ts';

/**
 * Reinstalls a stopped instance on its node: writes the image into a NEW boot disk file
 * (and new empty data disks when they are not kept), then, in one commit, points the disk
 * rows at the new files and the instance at the new image, and starts it, as UCloud
 * starts a host after a reinstall. The old files are removed only after that commit, so
 * a reinstall that fails leaves the instance stopped with the disks it had.
 */
export class ReinstallHandler implements JobHandler {
  constructor(private readonly d: { store: MetadataStore; compute: ComputeDriver; blobs: BlobStore }) {}

  async run(job: Job, ctx: JobContext): Promise<void> {
    const instanceId = job.instanceId!;
    const payload = this.payloadOf(job);
    const instance = await this.d.store.instances.get(instanceId);
    if (!instance || instance.state !== 'reinstalling') throw new PermanentJobError(`instance ${instanceId} is not being reinstalled`);
    if (instance.nodeId !== ctx.nodeId) throw new PermanentJobError(`instance ${instanceId} is placed on another node`);
    const image = await this.d.store.images.get(payload.imageId);
    const manifest = await this.d.store.images.getManifest(payload.imageId);
    if (!image || !manifest) throw new PermanentJobError(`image ${payload.imageId} was deleted`);
    const disks = await this.d.store.instances.disks(instanceId);
    const replaced = disks.filter((x) => x.isBoot || !payload.keepDataDisks);
    // Named by the job, so a retried attempt overwrites its own earlier files.
    const generation = job.id.toLowerCase().replace(/[^a-z0-9-]/g, '');
    const fresh = new Map<string, string>();
    try {
      for (const disk of replaced) {
        ctx.signal.throwIfAborted();
        const size = disk.isBoot ? payload.bootSizeBytes : disk.sizeBytes;
        fresh.set(disk.id, await this.d.compute.createDisk(instanceId, disk.index, size, generation));
      }
      const bootPath = fresh.get(replaced.find((x) => x.isBoot)!.id)!;
      // Held as pending while read, as a deployment does, so garbage collection cannot take
      // chunks from under us should the image be deleted meanwhile; re-read after.
      await this.d.store.chunks.addPending(job.id, manifest.chunks.filter((c): c is string => c !== null));
      if (!(await this.d.store.images.getManifest(payload.imageId))) throw new PermanentJobError(`image ${payload.imageId} was deleted`);
      await this.d.compute.materialize(bootPath, manifest, this.d.blobs, (done, total) => ctx.progress(done, total), ctx.signal);
    } catch (e) {
      // Not when aborted: another worker may be writing these same files now.
      if (!ctx.signal.aborted) await this.removeFiles(instanceId, [...fresh.values()]);
      throw e;
    }
    await ctx.commit(async (tx) => {
      for (const disk of replaced) {
        await tx.instances.updateDisk(disk.id, {
          path: fresh.get(disk.id)!,
          ...(disk.isBoot ? { sizeBytes: payload.bootSizeBytes, sourceImageId: image.id } : { sourceImageId: null }),
        });
      }
      const moved = await tx.instances.transition(
        instanceId,
        { states: ['reinstalling'], operation: null },
        { state: 'running', imageId: image.id, osType: image.osType, osName: image.osName },
      );
      if (!moved) throw new PermanentJobError(`instance ${instanceId} left the reinstalling state`);
    });
    await this.removeFiles(instanceId, replaced.map((x: Disk) => x.path).filter((p) => p !== '' && ![...fresh.values()].includes(p)));
  }

  async fail(job: Job, _reason: string, tx: Repositories): Promise<void> {
    const instance = await tx.instances.get(job.instanceId!);
    if (!instance) return;
    // Back to stopped with the disks it had; the boot disk growth taken for it is given back.
    if (await tx.instances.transition(instance.id, { states: ['reinstalling'], operation: null }, { state: 'stopped' })) {
      const grown = isReinstallPayload(job.payload) ? job.payload.grownBytes : 0;
      if (grown > 0) await tx.quota.releaseCompute(instance.accountId, { instances: 0, disks: 0, diskBytes: grown });
    }
  }

  private payloadOf(job: Job): ReinstallPayload {
    if (!isReinstallPayload(job.payload)) throw new PermanentJobError('reinstall job without a valid payload');
    return job.payload;
  }

  /** Best effort: a file left behind is removed with the instance's directory when it is terminated. */
  private async removeFiles(instanceId: string, paths: string[]): Promise<void> {
    for (const path of paths) await this.d.compute.removeDisk(instanceId, path).catch(() => undefined);
  }
}
