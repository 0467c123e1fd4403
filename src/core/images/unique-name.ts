import { KilnError } from '../errors.ts';
import type { Repositories } from '../ports/metadata-store.ts';
import type { Principal } from '../model.ts';
import { policyOf, type Product } from '../products.ts';

/**
 * Refuses a name the account already gave an image, where the product keeps names unique.
 * Checked before inserting so that racing creates get this clear answer; the unique index
 * still decides on stores where transactions overlap.
 */
export async function refuseTakenName(tx: Repositories, p: Principal, product: Product, name: string): Promise<void> {
  if (policyOf(product).uniqueImageNames && (await tx.images.uniqueNameTaken(p.accountId, product, name))) {
    throw new KilnError('NameTaken', `an image named "${name}" already exists`, 'name');
  }
}
