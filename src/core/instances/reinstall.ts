import { KilnError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Instance, Principal } from '../model.ts';
import type { ReinstallJobPayload } from '../jobs/job-payloads.ts';
import type { Product } from '../products.ts';
import { usableImage } from './image-access.ts';
import { beginReinstall } from './instance-lifecycle.ts';
import type { InstanceDeps } from './instance-service.ts';

const GiB = 1024 ** 3;

export interface ReinstallCommand {
  instanceId: string;
  /** The image the new boot disk is filled from; the instance's current image when absent. */
  imageId?: string;
  /** Whether the data disks keep their contents (true) or come back empty. */
  keepDataDisks: boolean;
}

/**
 * Starts a reinstall: a stopped instance becomes `reinstalling` and a job on its node
 * writes the image into a new boot disk. Its disks are untouched until that job commits,
 * so a reinstall that fails leaves the instance stopped with the disks it had.
 */
export async function startReinstall(d: InstanceDeps, p: Principal, product: Product, instance: Instance, cmd: ReinstallCommand): Promise<void> {
  if (instance.state !== 'stopped' || instance.operation !== null) {
    throw new KilnError('InstanceNotStopped', `instance ${instance.id} is ${instance.operation ?? instance.state}; stop it before reinstalling`);
  }
  const imageId = cmd.imageId ?? instance.imageId;
  // The same images a create may use, images shared with the caller's account included.
  const image = await usableImage(d.store, p, product, imageId);
  const boot = (await d.store.instances.disks(instance.id)).find((x) => x.isBoot);
  if (!boot || instance.nodeId === null) throw new KilnError('InstanceBusy', `instance ${instance.id} has no system disk yet`);
  // The system disk keeps its size unless the image needs more, as a create would size it.
  const bootSizeBytes = Math.max(boot.sizeBytes, image.virtualSize);
  if (bootSizeBytes > d.limits.maxDiskBytes) {
    throw new KilnError(
      'InvalidParameter',
      `a disk may be at most ${Math.floor(d.limits.maxDiskBytes / GiB)} GB; image ${image.id} needs ${Math.ceil(bootSizeBytes / GiB)} GB`,
      'imageId',
    );
  }
  const grownBytes = bootSizeBytes - boot.sizeBytes;
  const payload: ReinstallJobPayload = { imageId: image.id, bootSizeBytes, keepDataDisks: cmd.keepDataDisks, grownBytes };
  await d.store.transaction(async (tx) => {
    if (!(await beginReinstall(tx, instance.id))) {
      throw new KilnError('InstanceNotStopped', `instance ${instance.id} is no longer stopped; stop it before reinstalling`);
    }
    if (grownBytes > 0) await tx.quota.takeCompute(instance.accountId, { instances: 0, disks: 0, diskBytes: grownBytes }, d.limits.perAccount);
    await tx.jobs.enqueue({ id: newId('job-'), kind: 'reinstall', instanceId: instance.id, accountId: instance.accountId, nodeId: instance.nodeId, payload });
  });
}
