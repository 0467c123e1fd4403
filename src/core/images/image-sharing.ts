import type { KilnConfig } from '../../config/config.ts';
import { KilnError, renamedParam } from '../errors.ts';
import type { MetadataStore, PublicImageQuery } from '../ports/metadata-store.ts';
import { newId } from '../ids.ts';
import type { Attributes, Image, Principal } from '../model.ts';
import { policyOf, type Product } from '../products.ts';
import type { ImagePatch, ImageService } from './image-service.ts';

export interface CopyRequest {
  /** The copy's name; `<source name>-copy-<random>` when absent. */
  name?: string;
  /** Merged over the source's attributes; an undefined value drops that attribute. */
  attributes?: Attributes;
}

export interface CommunityListRequest {
  imageIds?: string[];
  nameContains?: string;
  /** Only images of this account. */
  accountId?: string;
  offset: number;
  limit: number;
}

/** Attribute core sets when an image is first made public; dialects show it as a publish time. */
export const PublishedAtAttribute = 'publishedAt';

export interface SharingDeps {
  store: MetadataStore;
  config: KilnConfig;
}

/**
 * Copies of images and the community catalogue: who else may see and use an image.
 * Public images are listed and usable by every account of the product; only the
 * owner changes or deletes them (ImageService.getOwned enforces that).
 */
export class ImageSharing {
  constructor(
    private readonly d: SharingDeps,
    private readonly images: ImageService,
  ) {}

  /**
   * A new private image with the source's content, made instantly: its manifest (and
   * those of its data-disk snapshots) are copies of the source's rows, so the copy
   * references the same chunks and no chunk data is read or written.
   */
  async copy(p: Principal, product: Product, sourceId: string, req: CopyRequest = {}): Promise<Image> {
    const policy = policyOf(product);
    const source = await this.images.getOwned(p, product, sourceId);
    if (source.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${sourceId} is not a custom image`, 'ImageId');
    if (source.state !== 'available') throw new KilnError('ImageNotAvailable', `image ${sourceId} is not available (${source.state})`, 'ImageId');
    const name = req.name ?? `${source.name}-copy-${newId('', 6)}`;
    const now = Date.now();
    try {
      return await this.d.store.transaction(async (tx) => {
        if (policy.uniqueImageNames && (await tx.images.uniqueNameTaken(p.accountId, product, name))) {
          throw new KilnError('NameTaken', `an image named "${name}" already exists`, 'Name');
        }
        await tx.quota.take(p.accountId, product, this.d.config.quotas.customImagesPerAccount);
        const sourceSnapshots = await tx.images.listByParent(source.id);
        const snapshotIds = sourceSnapshots.map(() => newId(policy.snapshotIdPrefix));
        const copy: Image = {
          ...source,
          id: newId(policy.imageIdPrefix),
          accountId: p.accountId,
          projectId: p.projectId,
          name,
          visibility: 'private',
          attributes: dropUndefined({
            ...source.attributes,
            [PublishedAtAttribute]: undefined,
            ...(snapshotIds.length > 0 ? { dataSnapshotIds: snapshotIds } : {}),
            ...(req.attributes ?? {}),
            copiedFrom: source.id,
          }),
          createdAt: now,
          updatedAt: now,
        };
        await tx.images.insert(copy, { uniqueName: policy.uniqueImageNames });
        // The source may have been deleted since it was read; then there is nothing to share.
        if (!(await tx.images.copyManifest(source.id, copy.id))) {
          throw new KilnError('ImageNotAvailable', `image ${sourceId} is no longer available`, 'ImageId');
        }
        for (const [i, snap] of sourceSnapshots.entries()) {
          const snapCopy: Image = { ...snap, id: snapshotIds[i]!, parentImageId: copy.id, accountId: p.accountId, projectId: p.projectId, createdAt: now, updatedAt: now };
          await tx.images.insert(snapCopy, { uniqueName: false });
          if (!(await tx.images.copyManifest(snap.id, snapCopy.id))) {
            throw new KilnError('ImageNotAvailable', `snapshot ${snap.id} of image ${sourceId} is no longer available`, 'ImageId');
          }
        }
        return copy;
      });
    } catch (e) {
      throw renamedParam(e, 'NameTaken', 'Name');
    }
  }

  /** Makes an available custom image public, with the attributes its catalogue entry shows. */
  async publish(p: Principal, product: Product, id: string, extra: Pick<ImagePatch, 'attributes' | 'attributeMerges'> = {}): Promise<Image> {
    const image = await this.images.getOwned(p, product, id);
    if (image.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${id} is not a custom image`, 'ImageId');
    if (image.state !== 'available') throw new KilnError('ImageNotAvailable', `image ${id} is ${image.state}; only an available image can be published`, 'ImageId');
    // The first publish time is kept when an already public image is published again.
    const publishedAt = typeof image.attributes[PublishedAtAttribute] === 'number' ? image.attributes[PublishedAtAttribute] : Date.now();
    return this.images.update(p, product, id, { ...extra, visibility: 'public', attributes: { ...(extra.attributes ?? {}), [PublishedAtAttribute]: publishedAt } });
  }

  /** Takes an image out of the community catalogue; instances made from it are unaffected. */
  async unpublish(p: Principal, product: Product, id: string): Promise<Image> {
    await this.images.getOwned(p, product, id);
    return this.images.update(p, product, id, { visibility: 'private' });
  }

  /** Available public custom images of every account of the product, newest first. */
  async listCommunity(product: Product, req: CommunityListRequest): Promise<{ items: Image[]; total: number }> {
    const q: PublicImageQuery = { product, kinds: ['custom'], states: ['available'], ...req };
    const [items, total] = await Promise.all([this.d.store.images.listPublic(q), this.d.store.images.countPublic(q)]);
    return { items, total };
  }
}

function dropUndefined(a: Attributes): Attributes {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
}
