import type { KilnConfig } from '../../config/config.ts';
import type { DiskFormat } from '../../disk/disk-reader.ts';
import { KilnError, renamedParam } from '../errors.ts';
import { newId } from '../ids.ts';
import { refusalOf } from '../../net/import-url-judge.ts';
import type { Attributes, Image, ImageKind, Instance, Job, OsType, Principal } from '../model.ts';
import type { ImageChanges, ImageQuery, MetadataStore, Repositories } from '../ports/metadata-store.ts';
import { policyOf, type Product } from '../products.ts';
import type { ResourceIds } from '../resource-ids.ts';
import { beginImaging, endImaging } from '../instances/instance-lifecycle.ts';
import { ListingCache } from './listing-cache.ts';
import { dropUpload } from '../uploads/upload-service.ts';
import { newImage, newImportedImage } from './new-image.ts';
import { refuseTakenName } from './unique-name.ts';
import { fractionDone, type PhaseOf } from '../work-progress.ts';

/** An upload's bytes arriving: the first of its three phases (then verify, convert). */
const UploadPhase: PhaseOf = { name: 'upload', index: 1, count: 3 };

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
  /** Only images placed in this region (or zone); base images are offered in every one. */
  region?: string;
  zone?: string;
  offset: number;
  limit: number;
  includePublicOf?: 'others';
  order?: ImageQuery['order'];
}

export interface ImageProgress {
  /** The image's state: progress can reach its total a moment before the image is committed. */
  state: Image['state'];
  /** The step the counts are of, for work done in steps (see WorkProgress). */
  phase: PhaseOf | null;
  done: number;
  /** null while unknown: before the job has counted anything, or a download of unannounced size. */
  total: number | null;
  /** Share of the whole job done, 0-1, phases included. */
  fraction: number;
  /** Seconds since the job started; 0 before it starts. */
  elapsedSeconds: number;
  /** Seconds left at the rate seen so far; null until there is a rate. */
  remainingSeconds: number | null;
  /** An available image's bytes over its job's whole time; null while it is made, or without a job that counted bytes. */
  averageBytesPerSecond: number | null;
}

export interface ImageDeps {
  store: MetadataStore;
  config: KilnConfig;
  /** How this installation's products spell new ids (from the dialects). */
  ids: ResourceIds;
}

/** Capture, import, listing and deletion of images: the rules, not the data path. */
export class ImageService {
  private readonly listings = new ListingCache();

  constructor(private readonly deps: ImageDeps) {}

  /** Starts a capture of a stopped instance; the image is `making` until the job commits it. */
  async capture(p: Principal, product: Product, req: CaptureRequest): Promise<{ image: Image; snapshots: Image[] }> {
    const policy = policyOf(product);
    try {
      return await this.deps.store.transaction(async (tx) => {
        const instance = await tx.instances.get(req.instanceId);
        if (!instance || instance.projectId !== p.projectId || instance.product !== product) {
          throw new KilnError('InstanceNotFound', `instance ${req.instanceId} does not exist`);
        }
        await refuseTakenName(tx, p, product, req.name);
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
        const disks = await tx.instances.disks(instance.id);
        const boot = disks.find((x) => x.isBoot);
        if (!boot) throw new KilnError('DiskNotFound', `instance ${instance.id} has no system disk`);
        const dataDisks = (req.dataDiskIds ?? []).map((id) => {
          const disk = disks.find((x) => x.id === id && !x.isBoot);
          if (!disk) throw new KilnError('DiskNotFound', `data disk ${id} is not attached to instance ${instance.id}`, 'dataDiskIds');
          return disk;
        });
        if (!(await beginImaging(tx, instance.id))) {
          // Another capture of this instance won. On PostgreSQL we waited on its row lock,
          // so it has committed and its name is visible now: when it took this name, say
          // so, as the serial order on SQLite would have.
          await refuseTakenName(tx, p, product, req.name);
          throw new KilnError('InstanceBusy', `instance ${instance.id} changed state; try again`);
        }
        await tx.quota.take(p.accountId, product, this.deps.config.quotas.customImagesPerAccount);
        const now = Date.now();
        const base = {
          product,
          accountId: p.accountId,
          projectId: p.projectId,
          region: instance.region,
          zone: instance.zone,
          osType: instance.osType,
          osName: instance.osName,
          sourceInstanceId: instance.id,
        };
        const snapshotIds = dataDisks.map(() => this.deps.ids.snapshot(product));
        const image = newImage(
          {
            ...base,
            id: this.deps.ids.image(product),
            kind: 'custom',
            name: req.name,
            description: req.description ?? '',
            virtualSize: boot.sizeBytes,
            parentImageId: null,
            // Kept on the image so listings need no extra query per row. Where the image
            // came from (source image, GPU model) is recorded for every product alike.
            attributes: {
              ...(req.attributes ?? {}),
              ...(await sourceOf(tx, instance)),
              ...(snapshotIds.length > 0 ? { dataSnapshotIds: snapshotIds } : {}),
            },
          },
          now,
        );
        await tx.images.insert(image, { uniqueName: policy.uniqueImageNames });
        const snapshots: Image[] = [];
        for (const [i, disk] of dataDisks.entries()) {
          const snap = newImage(
            {
              ...base,
              id: snapshotIds[i]!,
              kind: 'snapshot',
              name: `${req.name}-${disk.id}`,
              description: `data disk ${disk.id} of ${instance.id}`,
              virtualSize: disk.sizeBytes,
              parentImageId: image.id,
              attributes: { sourceDiskId: disk.id },
            },
            now,
          );
          await tx.images.insert(snap, { uniqueName: false });
          snapshots.push(snap);
        }
        // Capture reads the disks, so it runs on the node that holds them.
        await tx.jobs.enqueue({
          id: newId('job-'),
          kind: 'capture',
          imageId: image.id,
          accountId: image.accountId,
          instanceId: instance.id,
          nodeId: instance.nodeId,
          payload: { disks: [{ diskId: boot.id, imageId: image.id }, ...dataDisks.map((disk, i) => ({ diskId: disk.id, imageId: snapshots[i]!.id }))] },
        });
        return { image, snapshots };
      });
    } catch (e) {
      throw renamedParam(e, 'NameTaken', 'name');
    }
  }

  /** Starts an import from a URL; the job downloads, inspects and chunks the file. */
  async import(p: Principal, product: Product, req: ImportRequest): Promise<Image> {
    const policy = policyOf(product);
    // What the request alone shows to be refused is refused now, before an image exists
    // or a slot is taken; the job judges every hop again when it fetches.
    // A slow resolver must not hold the call: past a few seconds the job decides alone.
    const { allowHosts, allowPublic, timeoutMs } = this.deps.config.imports;
    const judge = { allowHosts, allowPublic, timeoutMs: Math.min(timeoutMs, 5_000), allowedSchemes: ['http:' as const, 'https:' as const] };
    const refusal = await refusalOf(req.url, judge);
    if (refusal !== null) throw new KilnError('InvalidParameter', refusal, 'url');
    const image = newImportedImage(this.deps.ids.image(product), product, p, req);
    try {
      await this.deps.store.transaction(async (tx) => {
        await tx.quota.take(p.accountId, product, this.deps.config.quotas.customImagesPerAccount);
        await tx.images.insert(image, { uniqueName: policy.uniqueImageNames });
        // Any worker may import: the source is a URL, not a disk on some node.
        await tx.jobs.enqueue({
          id: newId('job-'),
          kind: 'import',
          imageId: image.id,
          accountId: image.accountId,
          payload: { url: req.url, format: req.format },
        });
      });
    } catch (e) {
      throw renamedParam(e, 'NameTaken', 'name');
    }
    return image;
  }

  /** An image the caller may see: its own, a base image of this product, or a public one. */
  async get(p: Principal, product: Product, id: string): Promise<Image> {
    const image = await this.deps.store.images.get(id);
    if (!image || !visibleTo(image, p, product)) throw new KilnError('ImageNotFound', `image ${id} does not exist`, 'imageId');
    return image;
  }

  /** An image the caller owns, for changes and deletion. */
  async getOwned(p: Principal, product: Product, id: string): Promise<Image> {
    const image = await this.deps.store.images.get(id);
    if (!image || image.projectId !== p.projectId || image.product !== product) {
      if (image && image.kind === 'base' && visibleTo(image, p, product)) {
        throw new KilnError('ImageNotCustom', `image ${id} is not a custom image`, 'imageId');
      }
      // Another account's public image, or one shared with the caller: the caller can see
      // it, so "does not exist" would mislead.
      if (image && (visibleTo(image, p, product) || (image.product === product && (await this.deps.store.shares.isSharedWith(id, p.accountId))))) {
        throw new KilnError('PermissionDenied', `image ${id} belongs to another account; only its owner can change or delete it`, 'imageId');
      }
      throw new KilnError('ImageNotFound', `image ${id} does not exist`, 'imageId');
    }
    return image;
  }

  async list(p: Principal, product: Product, req: ListRequest): Promise<{ items: Image[]; total: number }> {
    const q: ImageQuery = { product, projectId: p.projectId, ...req };
    // Other accounts' public images are not in this project's catalogue version.
    if (req.includePublicOf !== undefined) return this.listUncached(q);
    const key = JSON.stringify(q);
    const version = await this.deps.store.images.catalogueVersion(p.projectId, product, req.kinds.includes('base'));
    const cached = this.listings.get(key, version);
    if (cached) return cached;
    const result = await this.listUncached(q);
    this.listings.set(key, version, result);
    return result;
  }

  private async listUncached(q: ImageQuery): Promise<{ items: Image[]; total: number }> {
    const [items, total] = await Promise.all([this.deps.store.images.list(q), this.deps.store.images.count(q)]);
    return { items, total };
  }

  /**
   * The base image at the root of an instance's image (BasicImageId), also when the caller
   * cannot read that image itself: one another account shared with it, or shared and taken
   * back. Only the base is answered, and base images are visible to every account.
   */
  async baseOfInstanceImage(imageId: string): Promise<Image | undefined> {
    const image = await this.deps.store.images.get(imageId);
    const baseId = baseImageOf(image);
    if (baseId === undefined) return undefined;
    return baseId === image?.id ? image : this.deps.store.images.get(baseId);
  }

  async snapshotsOf(imageId: string): Promise<Image[]> {
    return this.deps.store.images.listByParent(imageId);
  }

  /**
   * Deletes a custom image and its snapshots. An image still being made is either refused
   * or, where the product allows it, deleted with its job cancelled in the same
   * transaction: the job's worker loses its lease and stops, and can commit nothing.
   */
  async terminate(p: Principal, product: Product, id: string): Promise<void> {
    const image = await this.getOwned(p, product, id);
    if (image.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${id} is not a custom image`, 'imageId');
    await this.deps.store.transaction(async (tx) => {
      // Quota row before image and counter rows, the order every other writer takes them
      // in, so concurrent creates and deletes cannot deadlock on PostgreSQL; and the state
      // read under it is final, as a failing job takes the same lock (image-lifecycle.ts).
      await tx.quota.lock(p.accountId, product);
      const fresh = await tx.images.get(id);
      if (!fresh) throw new KilnError('ImageNotFound', `image ${id} does not exist`, 'imageId');
      const making = fresh.state === 'making';
      if (making && !policyOf(product).deletingImageInCreationCancels) {
        throw new KilnError('ImageBusy', `image ${id} is still being made and cannot be deleted yet`, 'imageId');
      }
      // A failed image gave its slot back when it failed.
      if (fresh.state !== 'unavailable') await tx.quota.release(p.accountId, product);
      for (const snap of await tx.images.listByParent(id)) await tx.images.delete(snap);
      await tx.images.delete(fresh);
      // Then the job, after the image row, as a job's commit takes them (image, instance, job).
      if (making) await cancelJobsOf(tx, fresh);
      // An image still receiving its upload takes the upload with it.
      const upload = making ? await tx.uploads.forImage(id) : undefined;
      if (upload) await dropUpload(tx, upload.id);
    });
  }

  async update(p: Principal, product: Product, id: string, patch: ImagePatch): Promise<Image> {
    await this.getOwned(p, product, id);
    try {
      await this.deps.store.images.change(id, changesOf(product, patch));
    } catch (e) {
      throw renamedParam(e, 'NameTaken', 'name');
    }
    const fresh = await this.deps.store.images.get(id);
    if (!fresh) throw new KilnError('ImageNotFound', `image ${id} does not exist`, 'imageId');
    return fresh;
  }

  /**
   * One change applied to several of the caller's custom images in one transaction: every
   * id is checked first (ImageNotFound, ImageNotCustom), and either all change or none do.
   */
  async updateMany(p: Principal, product: Product, ids: string[], patch: ImagePatch): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      for (const id of ids) {
        const image = await tx.images.get(id);
        if (!image || image.projectId !== p.projectId || image.product !== product)
          throw new KilnError('ImageNotFound', `image ${id} does not exist`, 'imageId');
        if (image.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${id} is not a custom image`, 'imageId');
      }
      for (const id of ids) await tx.images.change(id, changesOf(product, patch));
    });
  }

  /** Progress of the job making an image, from its recorded bytes and elapsed time. */
  async progress(p: Principal, product: Product, id: string): Promise<ImageProgress> {
    const image = await this.getOwned(p, product, id);
    const job = await this.deps.store.jobs.latestForImage(id);
    const elapsedOf = (end: number) => (job?.startedAt ? Math.max(0, Math.round((end - job.startedAt) / 1000)) : 0);
    if (image.state === 'available') return finishedProgress(image, job);
    const making = image.state === 'making';
    const counted = job && job.startedAt !== null && (job.progressDone > 0 || job.progressTotal !== 0 || job.progressPhase !== null);
    // An image fed by an upload is in its first phase, receiving, until its import job counts.
    const upload = making && !counted ? await this.deps.store.uploads.forImage(id) : undefined;
    if (upload) {
      const work = { phase: UploadPhase, done: upload.offset, total: upload.length };
      const elapsed = Math.max(0, (Date.now() - upload.createdAt) / 1000);
      const fraction = fractionDone(work);
      return {
        state: image.state,
        ...work,
        fraction,
        elapsedSeconds: Math.round(elapsed),
        remainingSeconds: fraction > 0 ? Math.ceil((elapsed * (1 - fraction)) / fraction) : null,
        averageBytesPerSecond: null,
      };
    }
    if (!job || !counted) {
      return {
        state: image.state,
        phase: null,
        done: 0,
        total: null,
        fraction: 0,
        elapsedSeconds: elapsedOf(Date.now()),
        remainingSeconds: making ? null : 0,
        averageBytesPerSecond: null,
      };
    }
    const work = { phase: job.progressPhase, done: job.progressDone, total: job.progressTotal };
    const fraction = fractionDone(work);
    // A failed image reports how far its job got, not completion.
    if (!making) return { state: image.state, ...work, fraction, elapsedSeconds: elapsedOf(job.updatedAt), remainingSeconds: 0, averageBytesPerSecond: null };
    const elapsed = (Date.now() - job.startedAt!) / 1000;
    // The time taken so far for the share done, stretched over what is left.
    const remaining = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : null;
    return {
      state: image.state,
      ...work,
      fraction,
      elapsedSeconds: Math.round(elapsed),
      remainingSeconds: remaining === null ? null : Math.ceil(remaining),
      averageBytesPerSecond: null,
    };
  }
}

/**
 * An available image's progress is its real size, done: a waiter that polled only after
 * the job ended sees what was made and how fast, not a placeholder count. Imports and
 * captures count bytes (a capture those of every disk it read); other jobs on an image
 * (copies) count other things, so its virtual size stands in.
 */
function finishedProgress(image: Image, job: Job | undefined): ImageProgress {
  const bytesJob = job && (job.kind === 'import' || job.kind === 'capture') && job.startedAt !== null ? job : undefined;
  const total = bytesJob && bytesJob.progressTotal !== null && bytesJob.progressTotal > 0 ? bytesJob.progressTotal : image.virtualSize;
  const tookMs = job?.startedAt ? Math.max(1, job.updatedAt - job.startedAt) : 0;
  return {
    state: image.state,
    phase: bytesJob?.progressPhase ?? null,
    done: total,
    total,
    fraction: 1,
    elapsedSeconds: Math.round(tookMs / 1000),
    remainingSeconds: 0,
    averageBytesPerSecond: bytesJob ? Math.round((total * 1000) / tookMs) : null,
  };
}

/** What an owner may change on an image, as core takes it. */
export interface ImagePatch {
  name?: string;
  description?: string;
  visibility?: Image['visibility'];
  /** Merged over the stored attributes (an undefined value drops the key). */
  attributes?: Attributes;
  /** Merged into the object stored under each key, under the same lock (see ImageChanges). */
  attributeMerges?: Record<string, Attributes>;
}

function changesOf(product: Product, patch: ImagePatch): ImageChanges {
  return {
    ...(patch.name !== undefined ? { name: { value: patch.name, unique: policyOf(product).uniqueImageNames } } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.visibility !== undefined ? { visibility: patch.visibility } : {}),
    ...(patch.attributes !== undefined ? { attributes: patch.attributes } : {}),
    ...(patch.attributeMerges !== undefined ? { attributeMerges: patch.attributeMerges } : {}),
  };
}

/**
 * Ends the jobs making an image and undoes what they held: a capture's hold on its
 * instance (taken before the job row, in the order a capture's commit takes them), and
 * their pending chunk records, so nothing of theirs is left for garbage collection to keep.
 */
async function cancelJobsOf(tx: Repositories, image: Image): Promise<void> {
  if (image.sourceInstanceId !== null) {
    await endImaging(tx, image.sourceInstanceId);
  }
  for (const job of await tx.jobs.cancelForImage(image.id, `cancelled: image ${image.id} was deleted`)) await tx.chunks.clearPending(job.id);
}

/** Neutral facts about a capture's source that dialects may show (e.g. the GPU model). */
async function sourceOf(tx: Repositories, instance: Instance): Promise<Attributes> {
  const source = await tx.images.get(instance.imageId);
  return {
    sourceImageId: instance.imageId,
    ...(source ? { sourceImageKind: source.kind } : {}),
    // The base image at the root of the lineage, which UHost reports as BasicImageId.
    ...(baseImageOf(source) ? { baseImageId: baseImageOf(source) } : {}),
    ...(instance.gpuType !== null ? { sourceGpuType: instance.gpuType, sourceGpuCount: instance.gpuCount } : {}),
  };
}

/** The base image an image descends from: itself if it is one, else what its capture recorded. */
export function baseImageOf(image: Image | undefined): string | undefined {
  if (!image) return undefined;
  if (image.kind === 'base') return image.id;
  const a = image.attributes;
  if (typeof a.baseImageId === 'string') return a.baseImageId;
  // Captured before the lineage was recorded: one level is known.
  return a.sourceImageKind === 'base' && typeof a.sourceImageId === 'string' ? a.sourceImageId : undefined;
}

export function visibleTo(image: Image, p: Principal, product: Product): boolean {
  if (image.kind === 'base') return image.product === null || image.product === product;
  if (image.product !== product) return false;
  return image.projectId === p.projectId || image.visibility === 'public';
}
