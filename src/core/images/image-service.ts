import type { KilnConfig } from '../../config/config.ts';
import { KilnError, renamedParam } from '../errors.ts';
import { endImaging } from '../instances/instance-lifecycle.ts';
import type { Attributes, Image, ImageKind, Principal } from '../model.ts';
import type { ImageChanges, ImageQuery, MetadataStore, Repositories } from '../ports/metadata-store.ts';
import { policyOf, type Product } from '../products.ts';
import type { ResourceIds } from '../resource-ids.ts';
import { dropUpload } from '../uploads/upload-service.ts';
import { baseImageOf, type CaptureRequest, startCapture } from './image-capture.ts';
import { type ImportRequest, startImport } from './image-import.ts';
import { type ImageProgress, progressOf } from './image-progress.ts';
import { ListingCache } from './listing-cache.ts';

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

export interface ImageDeps {
  store: MetadataStore;
  config: KilnConfig;
  /** How this installation's products spell new ids (from the dialects). */
  ids: ResourceIds;
}

/**
 * The images of a product as the dialects and the console call them: the rules, not the
 * data path. Reading, listing, changing and deleting an image are here; making one
 * (image-capture.ts, image-import.ts) and reporting how far that got (image-progress.ts)
 * are in files of their own.
 */
export class ImageService {
  private readonly listings = new ListingCache();

  constructor(private readonly deps: ImageDeps) {}

  /** Starts a capture of a stopped instance; the image is `making` until the job commits it. */
  capture(p: Principal, product: Product, req: CaptureRequest): Promise<{ image: Image; snapshots: Image[] }> {
    return startCapture(this.deps, p, product, req);
  }

  /** Starts an import from a URL; the job downloads, inspects and chunks the file. */
  import(p: Principal, product: Product, req: ImportRequest): Promise<Image> {
    return startImport(this.deps, p, product, req);
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

  /** Progress of the job making one of the caller's images, from its recorded bytes and elapsed time. */
  async progress(p: Principal, product: Product, id: string): Promise<ImageProgress> {
    return progressOf(this.deps.store, await this.getOwned(p, product, id));
  }
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

export function visibleTo(image: Image, p: Principal, product: Product): boolean {
  if (image.kind === 'base') return image.product === null || image.product === product;
  if (image.product !== product) return false;
  return image.projectId === p.projectId || image.visibility === 'public';
}
