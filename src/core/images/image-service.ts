import type { KilnConfig } from '../../config/config.ts';
import type { Db } from '../../store/metadata/database.ts';
import type { ImageRepo, ImageQuery } from '../../store/metadata/image-repo.ts';
import type { InstanceRepo } from '../../store/metadata/instance-repo.ts';
import type { JobRepo } from '../../store/metadata/job-repo.ts';
import type { QuotaRepo } from '../../store/metadata/quota-repo.ts';
import type { DiskFormat } from '../../disk/disk-reader.ts';
import { KilnError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Attributes, Image, ImageKind, Instance, OsType, Principal } from '../model.ts';
import { policyOf, type Product } from '../products.ts';
import { isUniqueViolation } from '../../store/metadata/unique-violation.ts';

export interface CaptureRequest {
  instanceId: string;
  name: string;
  description?: string;
  dataDiskIds?: string[];
  attributes?: Attributes;
}

export interface ImportRequest {
  region: string;
  zone: string;
  name: string;
  url: string;
  format: DiskFormat;
  osType: OsType;
  osName: string;
  description?: string;
  attributes?: Attributes;
}

export interface ListRequest {
  kinds: ImageKind[];
  imageIds?: string[];
  osType?: string;
  zone?: string;
  offset: number;
  limit: number;
  includePublicOf?: 'others';
  order?: ImageQuery['order'];
}

export interface ImageProgress {
  /** The image's state: progress can reach its total a moment before the image is committed. */
  state: Image['state'];
  done: number;
  total: number;
  /** Seconds since the job started; 0 before it starts. */
  elapsedSeconds: number;
  /** Seconds left at the rate seen so far; null until there is a rate. */
  remainingSeconds: number | null;
}

export interface ImageDeps {
  db: Db;
  images: ImageRepo;
  instances: InstanceRepo;
  jobs: JobRepo;
  quota: QuotaRepo;
  config: KilnConfig;
}

/** Capture, import, listing and deletion of images: the rules, not the data path. */
export class ImageService {
  constructor(private readonly d: ImageDeps) {}

  /** Starts a capture of a stopped instance; the image is `making` until the job commits it. */
  async capture(p: Principal, product: Product, req: CaptureRequest): Promise<{ image: Image; snapshots: Image[] }> {
    const policy = policyOf(product);
    try {
      return await this.d.db.transaction().execute(async (trx) => {
        const instance = await this.d.instances.get(req.instanceId, trx);
        if (!instance || instance.projectId !== p.projectId || instance.product !== product) {
          throw new KilnError('InstanceNotFound', `instance ${req.instanceId} does not exist`);
        }
        // Checked first so that racing creates with one name all get the clear answer
        // (the unique index still decides on stores where transactions overlap).
        if (policy.uniqueImageNames && (await this.d.images.uniqueNameTaken(p.accountId, product, req.name, trx))) {
          throw new KilnError('NameTaken', `an image named "${req.name}" already exists`, 'Name');
        }
        if (instance.gpuCount > 0 && !policy.gpuInstancesMayBeImaged) {
          throw new KilnError('GpuInstanceNotSupported', `instance ${instance.id} is a GPU instance; GPU instances cannot be imaged`);
        }
        if (instance.operation !== null) {
          throw new KilnError('InstanceBusy', `instance ${instance.id} is busy (${instance.operation})`);
        }
        // Still being deployed (its disks are being written): busy, not merely in the wrong
        // state, as terminate() also treats it.
        if (instance.state === 'initializing') {
          throw new KilnError('InstanceBusy', `instance ${instance.id} is still being deployed; wait until it is created`);
        }
        if (instance.state !== 'stopped') {
          throw new KilnError('InstanceNotStopped', `instance ${instance.id} is ${instance.state}; stop it before making an image`);
        }
        const disks = await this.d.instances.disks(instance.id, trx);
        const boot = disks.find((x) => x.isBoot);
        if (!boot) throw new KilnError('DiskNotFound', `instance ${instance.id} has no system disk`);
        const dataDisks = (req.dataDiskIds ?? []).map((id) => {
          const disk = disks.find((x) => x.id === id && !x.isBoot);
          if (!disk) throw new KilnError('DiskNotFound', `data disk ${id} is not attached to instance ${instance.id}`, 'DataUDiskIds');
          return disk;
        });
        if (!(await this.d.instances.transition(instance.id, { states: ['stopped'], operation: null }, { operation: 'imaging' }, trx))) {
          throw new KilnError('InstanceBusy', `instance ${instance.id} changed state; try again`);
        }
        if (!(await this.d.quota.take(p.accountId, product, this.d.config.quotas.customImagesPerAccount, trx))) {
          throw new KilnError('QuotaExceeded', `custom image quota (${this.d.config.quotas.customImagesPerAccount}) exceeded`);
        }
        const now = Date.now();
        const base = {
          product,
          accountId: p.accountId,
          projectId: p.projectId,
          region: instance.region,
          zone: instance.zone,
          osType: instance.osType,
          osName: instance.osName,
          state: 'making' as const,
          failedReason: null,
          storedSize: 0,
          sourceInstanceId: instance.id,
          visibility: 'private' as const,
          createdAt: now,
          updatedAt: now,
        };
        const snapshotIds = dataDisks.map(() => newId(policy.snapshotIdPrefix));
        const image: Image = {
          ...base,
          id: newId(policy.imageIdPrefix),
          kind: 'custom',
          name: req.name,
          description: req.description ?? '',
          virtualSize: boot.sizeBytes,
          parentImageId: null,
          // Kept on the image so listings need no extra query per row. Where the image
          // came from (source image, GPU model) is recorded for every product alike.
          attributes: {
            ...(req.attributes ?? {}),
            ...(await sourceOf(this.d.images, instance, trx)),
            ...(snapshotIds.length > 0 ? { dataSnapshotIds: snapshotIds } : {}),
          },
        };
        await this.d.images.insert(image, { uniqueName: policy.uniqueImageNames }, trx);
        const snapshots: Image[] = [];
        for (const [i, disk] of dataDisks.entries()) {
          const snap: Image = {
            ...base,
            id: snapshotIds[i]!,
            kind: 'snapshot',
            name: `${req.name}-${disk.id}`,
            description: `data disk ${disk.id} of ${instance.id}`,
            virtualSize: disk.sizeBytes,
            parentImageId: image.id,
            attributes: { sourceDiskId: disk.id },
          };
          await this.d.images.insert(snap, { uniqueName: false }, trx);
          snapshots.push(snap);
        }
        await this.d.jobs.enqueue(
          {
            id: newId('job-'),
            kind: 'capture',
            imageId: image.id,
            instanceId: instance.id,
            payload: { disks: [{ diskId: boot.id, imageId: image.id }, ...dataDisks.map((disk, i) => ({ diskId: disk.id, imageId: snapshots[i]!.id }))] },
          },
          trx,
        );
        return { image, snapshots };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new KilnError('NameTaken', `an image named "${req.name}" already exists`, 'Name');
      throw e;
    }
  }

  /** Starts an import from a URL; the job downloads, inspects and chunks the file. */
  async import(p: Principal, product: Product, req: ImportRequest): Promise<Image> {
    const policy = policyOf(product);
    const now = Date.now();
    const image: Image = {
      id: newId(policy.imageIdPrefix),
      product,
      accountId: p.accountId,
      projectId: p.projectId,
      region: req.region,
      zone: req.zone,
      kind: 'custom',
      name: req.name,
      description: req.description ?? '',
      osType: req.osType,
      osName: req.osName,
      state: 'making',
      failedReason: null,
      virtualSize: 0,
      storedSize: 0,
      sourceInstanceId: null,
      parentImageId: null,
      visibility: 'private',
      attributes: { ...(req.attributes ?? {}), importFormat: req.format },
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.d.db.transaction().execute(async (trx) => {
        if (!(await this.d.quota.take(p.accountId, product, this.d.config.quotas.customImagesPerAccount, trx))) {
          throw new KilnError('QuotaExceeded', `custom image quota (${this.d.config.quotas.customImagesPerAccount}) exceeded`);
        }
        await this.d.images.insert(image, { uniqueName: policy.uniqueImageNames }, trx);
        await this.d.jobs.enqueue({ id: newId('job-'), kind: 'import', imageId: image.id, payload: { url: req.url, format: req.format } }, trx);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new KilnError('NameTaken', `an image named "${req.name}" already exists`, 'ImageName');
      throw e;
    }
    return image;
  }

  /** An image the caller may see: its own, a base image of this product, or a public one. */
  async get(p: Principal, product: Product, id: string): Promise<Image> {
    const image = await this.d.images.get(id);
    if (!image || !visibleTo(image, p, product)) throw new KilnError('ImageNotFound', `image ${id} does not exist`, 'ImageId');
    return image;
  }

  /** An image the caller owns, for changes and deletion. */
  async getOwned(p: Principal, product: Product, id: string): Promise<Image> {
    const image = await this.d.images.get(id);
    if (!image || image.projectId !== p.projectId || image.product !== product) {
      if (image && image.kind === 'base' && visibleTo(image, p, product)) {
        throw new KilnError('ImageNotCustom', `image ${id} is not a custom image`, 'ImageId');
      }
      // Another account's public image: the caller can see it, so "does not exist" would mislead.
      if (image && visibleTo(image, p, product)) {
        throw new KilnError('PermissionDenied', `image ${id} belongs to another account; only its owner can change or delete it`, 'ImageId');
      }
      throw new KilnError('ImageNotFound', `image ${id} does not exist`, 'ImageId');
    }
    return image;
  }

  async list(p: Principal, product: Product, req: ListRequest): Promise<{ items: Image[]; total: number }> {
    const q: ImageQuery = { product, projectId: p.projectId, ...req };
    const [items, total] = await Promise.all([this.d.images.list(q), this.d.images.count(q)]);
    return { items, total };
  }

  async snapshotsOf(imageId: string): Promise<Image[]> {
    return this.d.images.listByParent(imageId);
  }

  /** Deletes a custom image and its snapshots; refused while it is being made. */
  async terminate(p: Principal, product: Product, id: string): Promise<void> {
    const image = await this.getOwned(p, product, id);
    if (image.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${id} is not a custom image`, 'ImageId');
    await this.d.db.transaction().execute(async (trx) => {
      const fresh = await this.d.images.get(id, trx);
      if (!fresh) throw new KilnError('ImageNotFound', `image ${id} does not exist`, 'ImageId');
      if (fresh.state === 'making') throw new KilnError('ImageBusy', `image ${id} is still being made and cannot be deleted yet`, 'ImageId');
      for (const snap of await this.d.images.listByParent(id, trx)) await this.d.images.delete(snap, trx);
      await this.d.images.delete(fresh, trx);
      await this.d.quota.release(p.accountId, product, trx);
    });
  }

  async update(p: Principal, product: Product, id: string, patch: { name?: string; description?: string; visibility?: Image['visibility']; attributes?: Attributes }): Promise<Image> {
    const image = await this.getOwned(p, product, id);
    const policy = policyOf(product);
    try {
      await this.d.images.update(id, {
        ...(patch.name !== undefined ? { name: patch.name, unique_name: policy.uniqueImageNames ? patch.name : null } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.visibility !== undefined ? { visibility: patch.visibility } : {}),
        ...(patch.attributes !== undefined ? { attributes: JSON.stringify({ ...image.attributes, ...patch.attributes }) } : {}),
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new KilnError('NameTaken', `an image named "${patch.name}" already exists`, 'Name');
      throw e;
    }
    return (await this.d.images.get(id))!;
  }

  /** Progress of the job making an image, from its recorded bytes and elapsed time. */
  async progress(p: Principal, product: Product, id: string): Promise<ImageProgress> {
    const image = await this.getOwned(p, product, id);
    const job = await this.d.jobs.latestForImage(id);
    const elapsedOf = (end: number) => (job?.startedAt ? Math.max(0, Math.round((end - job.startedAt) / 1000)) : 0);
    if (image.state === 'available') return { state: image.state, done: 1, total: 1, elapsedSeconds: elapsedOf(job?.updatedAt ?? Date.now()), remainingSeconds: 0 };
    const making = image.state === 'making';
    if (!job || job.progressTotal === 0 || job.startedAt === null) {
      return { state: image.state, done: 0, total: 1, elapsedSeconds: elapsedOf(Date.now()), remainingSeconds: making ? null : 0 };
    }
    // A failed image reports how far its job got, not completion.
    if (!making) return { state: image.state, done: job.progressDone, total: job.progressTotal, elapsedSeconds: elapsedOf(job.updatedAt), remainingSeconds: 0 };
    const elapsed = (Date.now() - job.startedAt) / 1000;
    const rate = job.progressDone / Math.max(elapsed, 0.001);
    const remaining = rate > 0 ? (job.progressTotal - job.progressDone) / rate : null;
    return {
      state: image.state,
      done: job.progressDone,
      total: job.progressTotal,
      elapsedSeconds: Math.round(elapsed),
      remainingSeconds: remaining === null ? null : Math.ceil(remaining),
    };
  }
}

/** Neutral facts about a capture's source that dialects may show (e.g. the GPU model). */
async function sourceOf(images: ImageRepo, instance: Instance, exec: Parameters<ImageRepo['get']>[1]): Promise<Attributes> {
  const source = await images.get(instance.imageId, exec);
  return {
    sourceImageId: instance.imageId,
    ...(source ? { sourceImageKind: source.kind } : {}),
    ...(instance.gpuType !== null ? { sourceGpuType: instance.gpuType, sourceGpuCount: instance.gpuCount } : {}),
  };
}

export function visibleTo(image: Image, p: Principal, product: Product): boolean {
  if (image.kind === 'base') return image.product === null || image.product === product;
  if (image.product !== product) return false;
  return image.projectId === p.projectId || image.visibility === 'public';
}
