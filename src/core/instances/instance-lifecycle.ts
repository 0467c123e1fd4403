import type { Disk, Image, Instance } from '../model.ts';
import type { InstanceChange, Repositories } from '../ports/metadata-store.ts';

/**
 * The named moves of an instance between states, each a conditional update that is true
 * only if the instance was where the move starts (so concurrent calls and jobs cannot
 * both win). Services start operations and job handlers end them through these, so the
 * states an operation holds are spelt here once.
 */

const idleStopped = { states: ['stopped' as const], operation: null };
const imaging = { states: ['stopped' as const], operation: 'imaging' as const };
const resizing = { states: ['stopped' as const], operation: 'resizing' as const };
const reinstalling = { states: ['reinstalling' as const], operation: null };
const deploying = { states: ['initializing' as const], operation: null };

/** A capture holds a stopped instance while its disks are read. */
export function beginImaging(tx: Repositories, instanceId: string): Promise<boolean> {
  return tx.instances.transition(instanceId, idleStopped, { operation: 'imaging' });
}

/** The capture committed, failed or was cancelled: the instance is free again. */
export function endImaging(tx: Repositories, instanceId: string): Promise<boolean> {
  return tx.instances.transition(instanceId, imaging, { operation: null });
}

/** Its disks were made and filled: the new instance runs. */
export function markDeployed(tx: Repositories, instanceId: string): Promise<boolean> {
  return tx.instances.transition(instanceId, deploying, { state: 'running' });
}

/** Its disks could not be made: it holds nothing on any node and can only be terminated. */
export function markDeployFailed(tx: Repositories, instanceId: string): Promise<boolean> {
  return tx.instances.transition(instanceId, deploying, { state: 'deploy_failed' });
}

/** A stopped instance is to get a new boot disk from an image. */
export function beginReinstall(tx: Repositories, instanceId: string): Promise<boolean> {
  return tx.instances.transition(instanceId, idleStopped, { state: 'reinstalling' });
}

/** A disk row pointed at a new file by a reinstall. */
export interface ReinstalledDisk {
  diskId: string;
  change: Partial<Pick<Disk, 'path' | 'sizeBytes' | 'sourceImageId'>>;
}

/**
 * The new disks are written: the disk rows point at them and the instance at its new
 * image, and it starts, as UCloud starts a host after a reinstall.
 */
export async function markReinstalled(
  tx: Repositories,
  instanceId: string,
  image: Pick<Image, 'id' | 'osType' | 'osName'>,
  disks: ReinstalledDisk[],
): Promise<boolean> {
  for (const d of disks) await tx.instances.updateDisk(d.diskId, d.change);
  return tx.instances.transition(instanceId, reinstalling, { state: 'running', imageId: image.id, osType: image.osType, osName: image.osName });
}

/** Back to stopped with the disks it had; the boot disk growth taken for it is given back. */
export async function abandonReinstall(tx: Repositories, instance: Pick<Instance, 'id' | 'accountId'>, grownBytes: number): Promise<boolean> {
  if (!(await tx.instances.transition(instance.id, reinstalling, { state: 'stopped' }))) return false;
  if (grownBytes > 0) await tx.quota.releaseCompute(instance.accountId, { instances: 0, disks: 0, diskBytes: grownBytes });
  return true;
}

/**
 * A stopped instance takes its new CPU and memory at once; with disks to grow it is held
 * (`resizing`) until the grow job commits their sizes.
 */
export function beginResize(tx: Repositories, instanceId: string, change: Pick<InstanceChange, 'cpu' | 'memoryMb'>, growsDisks: boolean): Promise<boolean> {
  return tx.instances.transition(instanceId, idleStopped, growsDisks ? { ...change, operation: 'resizing' } : change);
}

/** The disks were grown on the node: their new sizes are recorded and the instance is free again. */
export async function markResized(tx: Repositories, instanceId: string, disks: { diskId: string; sizeBytes: number }[]): Promise<boolean> {
  for (const g of disks) await tx.instances.updateDisk(g.diskId, { sizeBytes: g.sizeBytes });
  return tx.instances.transition(instanceId, resizing, { operation: null });
}

/** The disks were not grown: the instance is free again and the disk quota taken for them given back. */
export async function abandonResize(tx: Repositories, instance: Pick<Instance, 'id' | 'accountId'>, grownBytes: number): Promise<boolean> {
  if (!(await tx.instances.transition(instance.id, resizing, { operation: null }))) return false;
  if (grownBytes > 0) await tx.quota.releaseCompute(instance.accountId, { instances: 0, disks: 0, diskBytes: grownBytes });
  return true;
}
