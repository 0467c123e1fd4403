/**
 * Ids of the resources a product hands out. Their spelling (the prefix of an image id, ...) is
 * vendor-shaped, so each dialect declares its products' prefixes and the composition root
 * hands the table to the core services; core only asks for "a new image id of this
 * product". Base images offered by every product are no vendor's: their prefix is core's.
 */
import { newId } from './ids.ts';
import { Products, type Product } from './products.ts';

/** The prefixes of one product's ids: what goes before the random part. */
export interface IdSpelling {
  image: string;
  instance: string;
  snapshot: string;
  bootDisk: string;
  dataDisk: string;
}

/** Ids of base images every product offers. */
export const SHARED_BASE_IMAGE_ID_PREFIX = 'base-';

export class ResourceIds {
  /** Every product must have a spelling: a gap is a wiring mistake, refused at start rather than at the first create. */
  constructor(private readonly spellings: ReadonlyMap<Product, IdSpelling>) {
    const missing = Products.filter((p) => !spellings.has(p));
    if (missing.length > 0) throw new Error(`no dialect spells the ids of product ${missing.join(', ')}`);
  }

  image(product: Product): string {
    return newId(this.of(product).image);
  }

  instance(product: Product): string {
    return newId(this.of(product).instance);
  }

  snapshot(product: Product): string {
    return newId(this.of(product).snapshot);
  }

  disk(product: Product, boot: boolean): string {
    const spelling = this.of(product);
    return newId(boot ? spelling.bootDisk : spelling.dataDisk);
  }

  /** A base image's id: the product's image spelling, or the shared one when every product offers it. */
  baseImage(product: Product | undefined): string {
    return product === undefined ? newId(SHARED_BASE_IMAGE_ID_PREFIX) : this.image(product);
  }

  private of(product: Product): IdSpelling {
    const spelling = this.spellings.get(product);
    if (spelling === undefined) throw new Error(`no id spelling for product ${product}`);
    return spelling;
  }
}
