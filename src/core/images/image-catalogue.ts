import { KilnError } from '../errors.ts';
import type { MetadataStore, PublicImageQuery } from '../ports/metadata-store.ts';
import type { Image, Principal } from '../model.ts';
import type { Product } from '../products.ts';
import type { ImagePatch, ImageService } from './image-service.ts';

/** Attribute core sets when an image is first made public; dialects show it as a publish time. */
export const PublishedAtAttribute = 'publishedAt';

export interface CatalogueRequest {
  imageIds?: string[];
  /** Substring of the name, case-insensitive. */
  nameContains?: string;
  offset: number;
  limit: number;
  /**
   * oldest (the default) lists in the order entries were made, so entries made while a
   * caller pages with Offset land after the pages already read: no gap, no duplicate.
   */
  order?: 'oldest' | 'newest';
}

export interface CommunityRequest extends CatalogueRequest {
  /** Only images of this account. */
  accountId?: string;
}

/**
 * The catalogues every account of a product sees: the official (base) images and the
 * community (public custom) images, and an owner's publishing into the latter. Only
 * available images are listed. Public images are usable by every account of the
 * product; only the owner changes or deletes them (ImageService.getOwned enforces that).
 */
export class ImageCatalogue {
  constructor(
    private readonly deps: { store: MetadataStore },
    private readonly images: ImageService,
  ) {}

  /** Base images offered to the product (or to every product). */
  async official(product: Product, req: CatalogueRequest): Promise<{ items: Image[]; total: number }> {
    return this.page({ product, kinds: ['base'], states: ['available'], ...req, order: req.order ?? 'oldest' });
  }

  /** Public custom images of every account of the product. */
  async community(product: Product, req: CommunityRequest): Promise<{ items: Image[]; total: number }> {
    return this.page({ product, kinds: ['custom'], states: ['available'], ...req, order: req.order ?? 'oldest' });
  }

  /** The caller's own public custom images. */
  async published(p: Principal, product: Product, req: CatalogueRequest): Promise<{ items: Image[]; total: number }> {
    return this.community(product, { ...req, accountId: p.accountId });
  }

  /** Makes an available custom image public, with the attributes its catalogue entry shows. */
  async publish(p: Principal, product: Product, id: string, extra: Pick<ImagePatch, 'attributes' | 'attributeMerges'> = {}): Promise<Image> {
    const image = await this.images.getOwned(p, product, id);
    if (image.kind !== 'custom') throw new KilnError('ImageNotCustom', `image ${id} is not a custom image`, 'imageId');
    if (image.state !== 'available')
      throw new KilnError('ImageNotAvailable', `image ${id} is ${image.state}; only an available image can be published`, 'imageId');
    // The first publish time is kept when an already public image is published again.
    const publishedAt = typeof image.attributes[PublishedAtAttribute] === 'number' ? image.attributes[PublishedAtAttribute] : Date.now();
    return this.images.update(p, product, id, {
      ...extra,
      visibility: 'public',
      attributes: { ...(extra.attributes ?? {}), [PublishedAtAttribute]: publishedAt },
    });
  }

  /** Takes an image out of the community catalogue; instances made from it are unaffected. */
  async unpublish(p: Principal, product: Product, id: string): Promise<Image> {
    await this.images.getOwned(p, product, id);
    return this.images.update(p, product, id, { visibility: 'private' });
  }

  private async page(q: PublicImageQuery): Promise<{ items: Image[]; total: number }> {
    const [items, total] = await Promise.all([this.deps.store.images.listPublic(q), this.deps.store.images.countPublic(q)]);
    return { items, total };
  }
}
