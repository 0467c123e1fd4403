import type { Image, Principal } from '../model.ts';
import type { ImageBrowseQuery, MetadataStore } from '../ports/metadata-store.ts';
import type { Product } from '../products.ts';

export type BrowseFilters = Omit<ImageBrowseQuery, 'product' | 'projectId' | 'kinds'>;

/**
 * A project's custom images as people browse them (the web console): searched, filtered,
 * sorted and paged by key, so any page of 100,000 images costs what the first does.
 * Scoped to the caller's project like every listing: no filter reaches another tenant.
 */
export class ImageBrowser {
  constructor(private readonly deps: { store: MetadataStore }) {}

  async page(p: Principal, product: Product, filters: BrowseFilters): Promise<{ items: Image[]; next?: string }> {
    return this.deps.store.imageBrowse.page({ ...filters, product, projectId: p.projectId, kinds: ['custom'] });
  }
}
