import { KilnError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Attributes, Disk, Instance, Principal } from '../model.ts';
import type { ComputeUse, MetadataStore } from '../ports/metadata-store.ts';
import type { Product } from '../products.ts';
import type { ResourceIds } from '../resource-ids.ts';
import { usableImage, usableSnapshot } from './image-access.ts';
import { startReinstall, type ReinstallCommand } from './reinstall.ts';
import { resizeAccepted, resizeInstance, type ResizeCommand } from './resize.ts';

const GiB = 1024 ** 3;

export interface DiskRequest {
  isBoot: boolean;
  type: string;
  sizeGb: number;
  /** A data disk may start from a snapshot taken with a custom image. */
  snapshotId?: string;
}

export interface CreateInstanceRequest {
  region: string;
  zone: string;
  imageId: string;
  name: string;
  cpu: number;
  memoryMb: number;
  gpuType: string | null;
  gpuCount: number;
  disks: DiskRequest[];
  attributes?: Attributes;
}

export interface InstanceLimits {
  /** The largest disk any worker's driver can create (checked when a worker starts). */
  maxDiskBytes: number;
  maxDisksPerInstance: number;
  /** What one account may hold, across products. */
  perAccount: ComputeUse;
}

export interface InstanceDeps {
  store: MetadataStore;
  /** A node is live while its workers beat within this window. */
  nodeLivenessMs: number;
  limits: InstanceLimits;
  /** How this installation's products spell new ids (from the dialects). */
  ids: ResourceIds;
}

/**
 * Instance lifecycle; every transition is a conditional update. Disks are never touched
 * here: creating, filling and removing them are jobs that run on the instance's node,
 * so an API process needs no access to any compute node.
 */
export class InstanceService {
  constructor(private readonly deps: InstanceDeps) {}

  async create(p: Principal, product: Product, req: CreateInstanceRequest): Promise<Instance> {
    return (await this.createMany(p, product, [req]))[0]!;
  }

  /**
   * Creates instances all or nothing: the account's quota is taken for all of them in the
   * transaction that inserts them, so a batch either fits or leaves nothing behind.
   */
  async createMany(p: Principal, product: Product, reqs: CreateInstanceRequest[]): Promise<Instance[]> {
    const planned: { instance: Instance; disks: Disk[] }[] = [];
    for (const req of reqs) planned.push(await this.plan(p, product, req));
    const use: ComputeUse = {
      instances: planned.length,
      disks: planned.reduce((n, x) => n + x.disks.length, 0),
      diskBytes: planned.reduce((n, x) => n + x.disks.reduce((m, d) => m + d.sizeBytes, 0), 0),
    };
    await this.deps.store.transaction(async (tx) => {
      await tx.quota.takeCompute(p.accountId, use, this.deps.limits.perAccount);
      for (const { instance, disks } of planned) {
        // The live node with the fewest instances, counting those this batch placed; with
        // none alive, the first worker to take the deployment job places it on its own node.
        instance.nodeId = (await tx.nodes.leastLoaded(this.deps.nodeLivenessMs)) ?? null;
        await tx.instances.insert(instance, disks);
        await tx.jobs.enqueue({
          id: newId('job-'),
          kind: 'materialize',
          instanceId: instance.id,
          accountId: instance.accountId,
          nodeId: instance.nodeId,
          payload: {},
        });
      }
    });
    return planned.map((x) => x.instance);
  }

  /** Checks one request and shapes its instance and disks, without writing anything. */
  private async plan(p: Principal, product: Product, req: CreateInstanceRequest): Promise<{ instance: Instance; disks: Disk[] }> {
    const { maxDiskBytes, maxDisksPerInstance } = this.deps.limits;
    const image = await usableImage(this.deps.store, p, product, req.imageId);
    const bootReqs = req.disks.filter((x) => x.isBoot);
    if (bootReqs.length !== 1) throw new KilnError('InvalidParameter', 'exactly one disk must be the system disk', 'disks');
    if (req.disks.length > maxDisksPerInstance) {
      throw new KilnError('InvalidParameter', `an instance may have at most ${maxDisksPerInstance} disks, not ${req.disks.length}`, 'disks');
    }
    const now = Date.now();
    const instance: Instance = {
      id: this.deps.ids.instance(product),
      product,
      accountId: p.accountId,
      projectId: p.projectId,
      region: req.region,
      zone: req.zone,
      name: req.name,
      state: 'initializing',
      operation: null,
      nodeId: null,
      imageId: image.id,
      cpu: req.cpu,
      memoryMb: req.memoryMb,
      gpuType: req.gpuType,
      gpuCount: req.gpuCount,
      osType: image.osType,
      osName: image.osName,
      attributes: req.attributes ?? {},
      createdAt: now,
      updatedAt: now,
    };
    const ordered = [bootReqs[0]!, ...req.disks.filter((x) => !x.isBoot)];
    const disks: Disk[] = [];
    for (const [index, dr] of ordered.entries()) {
      // Errors blame the disk by its place in the request, which the dialect spells.
      const at = req.disks.indexOf(dr);
      let source: string | null = dr.isBoot ? image.id : null;
      let minSize = dr.isBoot ? image.virtualSize : 0;
      if (!dr.isBoot && dr.snapshotId) {
        const snap = await usableSnapshot(this.deps.store, p, product, dr.snapshotId, `disks.${at}.snapshotId`);
        source = snap.id;
        minSize = snap.virtualSize;
      }
      const sizeBytes = Math.max(dr.sizeGb * GiB, minSize);
      // Checked here rather than found out by the driver (EFBIG) after the instance exists.
      if (sizeBytes > maxDiskBytes) {
        const why = sizeBytes > dr.sizeGb * GiB ? `its source needs ${Math.ceil(sizeBytes / GiB)} GB` : `${dr.sizeGb} GB was asked for`;
        throw new KilnError('InvalidParameter', `a disk may be at most ${Math.floor(maxDiskBytes / GiB)} GB; ${why}`, `disks.${at}.size`);
      }
      disks.push({
        id: this.deps.ids.disk(product, dr.isBoot),
        instanceId: instance.id,
        index,
        isBoot: dr.isBoot,
        type: dr.type,
        sizeBytes,
        // Known once the deployment job has created the disk on the instance's node.
        path: '',
        sourceImageId: source,
      });
    }
    return { instance, disks };
  }

  async get(p: Principal, product: Product, id: string): Promise<Instance> {
    const i = await this.deps.store.instances.get(id);
    if (!i || i.projectId !== p.projectId || i.product !== product) throw new KilnError('InstanceNotFound', `instance ${id} does not exist`);
    return i;
  }

  /** Existing instances per image, across all accounts (how often an image is in use). */
  async countByImage(imageIds: string[]): Promise<Map<string, number>> {
    return this.deps.store.instances.countByImage(imageIds);
  }

  async disks(instanceId: string): Promise<Disk[]> {
    return this.deps.store.instances.disks(instanceId);
  }

  async list(p: Principal, product: Product, q: { ids?: string[]; zone?: string; offset: number; limit: number }) {
    return this.deps.store.instances.list({ product, projectId: p.projectId, ...q });
  }

  async stop(p: Principal, product: Product, id: string): Promise<Instance> {
    const i = await this.get(p, product, id);
    if (i.state === 'stopped') return i;
    if (i.state !== 'running' || !(await this.deps.store.instances.transition(id, { states: ['running'], operation: null }, { state: 'stopped' }))) {
      throw new KilnError('InstanceNotRunning', `instance ${id} is ${i.state}; only a running instance can be stopped`);
    }
    return this.get(p, product, id);
  }

  async start(p: Principal, product: Product, id: string): Promise<Instance> {
    const i = await this.get(p, product, id);
    if (i.operation !== null) throw new KilnError('InstanceBusy', `instance ${id} is busy (${i.operation}); wait until it finishes`);
    if (i.state === 'running') return i;
    if (i.state !== 'stopped' || !(await this.deps.store.instances.transition(id, { states: ['stopped'], operation: null }, { state: 'running' }))) {
      throw new KilnError('InstanceNotStopped', `instance ${id} is ${i.state}; only a stopped instance can be started`);
    }
    return this.get(p, product, id);
  }

  async reboot(p: Principal, product: Product, id: string): Promise<Instance> {
    const i = await this.get(p, product, id);
    if (i.state !== 'running') throw new KilnError('InstanceNotRunning', `instance ${id} is ${i.state}; only a running instance can be rebooted`);
    return i;
  }

  /** Gives a stopped instance a new system disk from an image (reinstall.ts). */
  async reinstall(p: Principal, product: Product, cmd: ReinstallCommand): Promise<Instance> {
    await startReinstall(this.deps, p, product, await this.get(p, product, cmd.instanceId), cmd);
    return this.get(p, product, cmd.instanceId);
  }

  /** Changes a stopped instance's CPU, memory and disk sizes (resize.ts). */
  async resize(p: Principal, product: Product, id: string, cmd: ResizeCommand): Promise<Instance> {
    await resizeInstance(this.deps, await this.get(p, product, id), cmd);
    return this.get(p, product, id);
  }

  /** Whether `resize` would accept this resize of the caller's instance now (resize.ts). */
  async resizeAccepted(p: Principal, product: Product, id: string, cmd: ResizeCommand): Promise<boolean> {
    return resizeAccepted(this.deps, await this.get(p, product, id), cmd);
  }

  /** Renames an instance in any state; retried if the instance changes state meanwhile. */
  async rename(p: Principal, product: Product, id: string, name: string): Promise<Instance> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const i = await this.get(p, product, id);
      if (await this.deps.store.instances.transition(id, { states: [i.state], operation: i.operation }, { name })) return this.get(p, product, id);
    }
    throw new KilnError('InstanceBusy', `instance ${id} keeps changing; try again`);
  }

  /**
   * Accepts a new login password for a stopped instance. The local driver runs no guest
   * to apply it to, and a password is a secret Kiln has no reader for, so only the time
   * of the change is kept (attribute `passwordResetAt`), never the password.
   */
  async resetPassword(p: Principal, product: Product, id: string): Promise<Instance> {
    const i = await this.get(p, product, id);
    const ok =
      i.state === 'stopped' &&
      (await this.deps.store.instances.transition(
        id,
        { states: ['stopped'], operation: null },
        { attributes: { ...i.attributes, passwordResetAt: Date.now() } },
      ));
    if (!ok) throw new KilnError('InstanceNotStopped', `instance ${id} is ${i.operation ?? i.state}; stop it before resetting its password`);
    return this.get(p, product, id);
  }

  async terminate(p: Principal, product: Product, id: string): Promise<void> {
    const i = await this.get(p, product, id);
    if (i.operation !== null || i.state === 'initializing' || i.state === 'reinstalling') {
      throw new KilnError('InstanceBusy', `instance ${id} is busy (${i.operation ?? i.state}); try again when it finishes`);
    }
    await this.deps.store.transaction(async (tx) => {
      const disks = await tx.instances.disks(id);
      // Released only by the call that deleted the row, so a repeated terminate gives nothing back twice.
      if (!(await tx.instances.delete(id))) return;
      await tx.quota.releaseCompute(i.accountId, { instances: 1, disks: disks.length, diskBytes: disks.reduce((n, d) => n + d.sizeBytes, 0) });
      // Its disks go with a job on its node (none to remove if it was never placed).
      if (i.nodeId !== null)
        await tx.jobs.enqueue({ id: newId('job-'), kind: 'release', instanceId: id, accountId: i.accountId, nodeId: i.nodeId, payload: {} });
    });
  }
}
