import type { MetadataStore, PublicImageQuery } from '../ports/metadata-store.ts';
import type { Image, Principal } from '../model.ts';
import type { Product } from '../products.ts';

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
 * The read-only catalogues every account of a product sees: the official (base) images
 * and the community (public custom) images. Only available images are listed.
 */
export class ImageCatalogue {
  constructor(private readonly d: { store: MetadataStore }) {}

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

  private async page(q: PublicImageQuery): Promise<{ items: Image[]; total: number }> {
    const [items, total] = await Promise.all([this.d.store.images.listPublic(q), this.d.store.images.countPublic(q)]);
    return { items, total };
  }
}
