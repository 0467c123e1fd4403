import { isKilnError, KilnError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Instance } from '../model.ts';
import type { GrowJobPayload } from '../jobs/job-payloads.ts';
import type { InstanceDeps } from './instance-service.ts';
import { beginResize } from './instance-lifecycle.ts';

const GiB = 1024 ** 3;

export interface DiskResize {
  diskId: string;
  sizeGb: number;
  /** The caller's name for this size, named when it is refused (`BootDiskSpace`). */
  sizeParam: string;
}

export interface ResizeCommand {
  cpu?: number;
  memoryMb?: number;
  /** Disks to grow; a disk can only grow (the local driver extends a sparse file). */
  disks: DiskResize[];
}

/** What a resize would change, once every check passed. */
interface ResizePlan {
  grow: GrowJobPayload['disks'];
  grownBytes: number;
}

/**
 * Checks a resize against the instance's state and the disk limits without writing
 * anything: one refused disk refuses the whole request.
 */
async function planResize(d: InstanceDeps, instance: Instance, cmd: ResizeCommand): Promise<ResizePlan> {
  if (instance.state !== 'stopped' || instance.operation !== null) {
    throw new KilnError('InstanceNotStopped', `instance ${instance.id} is ${instance.operation ?? instance.state}; stop it before resizing`);
  }
  const disks = await d.store.instances.disks(instance.id);
  const grow: GrowJobPayload['disks'] = [];
  let grownBytes = 0;
  for (const r of cmd.disks) {
    const disk = disks.find((x) => x.id === r.diskId);
    if (!disk) throw new KilnError('DiskNotFound', `disk ${r.diskId} is not a disk of instance ${instance.id}`, r.sizeParam);
    const sizeBytes = r.sizeGb * GiB;
    const currentGb = Math.ceil(disk.sizeBytes / GiB);
    if (sizeBytes < disk.sizeBytes) {
      throw new KilnError('InvalidParameter', `disk ${disk.id} is ${currentGb} GB and cannot shrink to ${r.sizeGb} GB; disks can only grow`, r.sizeParam);
    }
    if (sizeBytes > d.limits.maxDiskBytes) {
      throw new KilnError('InvalidParameter', `a disk may be at most ${Math.floor(d.limits.maxDiskBytes / GiB)} GB; ${r.sizeGb} GB was asked for`, r.sizeParam);
    }
    if (sizeBytes === disk.sizeBytes) continue;
    grow.push({ diskId: disk.id, sizeBytes });
    grownBytes += sizeBytes - disk.sizeBytes;
  }
  if (grow.length > 0 && instance.nodeId === null) throw new KilnError('InstanceBusy', `instance ${instance.id} has no disks yet`);
  return { grow, grownBytes };
}

/**
 * Whether `resizeInstance` would accept this resize now: the same checks, and the disk
 * quota read rather than taken. Advice only (GetRestResource): nothing is held, so a
 * concurrent change can still refuse the resize itself.
 */
export async function resizeAccepted(d: InstanceDeps, instance: Instance, cmd: ResizeCommand): Promise<boolean> {
  let plan: ResizePlan;
  try {
    plan = await planResize(d, instance, cmd);
  } catch (e) {
    if (isKilnError(e)) return false;
    throw e;
  }
  if (plan.grownBytes === 0) return true;
  const held = await d.store.quota.computeUsage(instance.accountId);
  return held.diskBytes + plan.grownBytes <= d.limits.perAccount.diskBytes;
}

/**
 * Resizes a stopped instance. CPU and memory change at once; disks that grow are grown
 * by a job on the instance's node, the instance held (`resizing`) until it commits the
 * new sizes. Everything is checked before anything is written.
 */
export async function resizeInstance(d: InstanceDeps, instance: Instance, cmd: ResizeCommand): Promise<void> {
  const { grow, grownBytes } = await planResize(d, instance, cmd);
  const change = { ...(cmd.cpu !== undefined ? { cpu: cmd.cpu } : {}), ...(cmd.memoryMb !== undefined ? { memoryMb: cmd.memoryMb } : {}) };
  await d.store.transaction(async (tx) => {
    if (!(await beginResize(tx, instance.id, change, grow.length > 0))) {
      throw new KilnError('InstanceNotStopped', `instance ${instance.id} is no longer stopped; stop it before resizing`);
    }
    if (grow.length === 0) return;
    await tx.quota.takeCompute(instance.accountId, { instances: 0, disks: 0, diskBytes: grownBytes }, d.limits.perAccount);
    await tx.jobs.enqueue({
      id: newId('job-'),
      kind: 'grow',
      instanceId: instance.id,
      accountId: instance.accountId,
      nodeId: instance.nodeId,
      payload: { disks: grow, grownBytes },
    });
  });
}
