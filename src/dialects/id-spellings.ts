import { Products, type Product } from '../core/products.ts';
import type { IdSpelling } from '../core/resource-ids.ts';
import type { Dialect } from './dialect.ts';

/** The id spellings the dialects declare, by product; two dialects spelling one product's ids is refused. */
export function idSpellingsOf(list: readonly Dialect[]): Map<Product, IdSpelling> {
  const out = new Map<Product, IdSpelling>();
  for (const dialect of list) {
    for (const product of Products) {
      const spelling = dialect.ids[product];
      if (spelling === undefined) continue;
      if (out.has(product)) throw new Error(`two dialects spell the ids of product ${product}`);
      out.set(product, spelling);
    }
  }
  return out;
}
