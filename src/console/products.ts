import type { KilnConfig, RegionConfig } from '../config/config.ts';
import { KilnError } from '../core/errors.ts';
import { Products, type Product } from '../core/products.ts';

/** The product switcher's entries: each product's catalogue is its own, as in the vendors' consoles. */
export const productLabels: Record<Product, string> = { uhost: 'UHost', compshare: 'CompShare', zec: 'ZEC' };

/** The product named in a console URL; an unknown one answers like a missing page. */
export function productParam(value: string): Product {
  const product = Products.find((p) => p === value);
  if (!product) throw new KilnError('InvalidParameter', `no product ${value}: use one of ${Products.join(', ')}`);
  return product;
}

/** The regions a product serves: the UCloud ones for UHost and CompShare, Zenlayer's for ZEC. */
export function regionsOf(config: KilnConfig, product: Product): RegionConfig[] {
  return product === 'zec' ? config.zenlayer.regions : config.regions;
}
