/**
 * Product policy as data. Each product namespace keeps its resources apart and
 * differs only in the rules below; services read the table instead of branching. How a
 * product spells its ids is its dialect's business (resource-ids.ts).
 */
export type Product = 'uhost' | 'compshare' | 'zec';
export const Products: readonly Product[] = ['uhost', 'compshare', 'zec'];

export interface ProductPolicy {
  product: Product;
  /** ZEC refuses to image GPU instances; CompShare is the GPU platform and allows it. */
  gpuInstancesMayBeImaged: boolean;
  /** Whether a custom image name must be unique among an account's images of this product. */
  uniqueImageNames: boolean;
  /**
   * Whether deleting an image still being made cancels its job (UCloud: a stuck import
   * must not hold its image and quota slot) or is refused (ZEC's CreateImage page: "The
   * image cannot be deleted during the creation process").
   */
  deletingImageInCreationCancels: boolean;
}

const policies: Record<Product, ProductPolicy> = {
  uhost: {
    product: 'uhost',
    gpuInstancesMayBeImaged: true,
    uniqueImageNames: false,
    deletingImageInCreationCancels: true,
  },
  compshare: {
    product: 'compshare',
    gpuInstancesMayBeImaged: true,
    uniqueImageNames: true,
    deletingImageInCreationCancels: true,
  },
  zec: {
    product: 'zec',
    gpuInstancesMayBeImaged: false,
    uniqueImageNames: false,
    deletingImageInCreationCancels: false,
  },
};

export function policyOf(product: Product): ProductPolicy {
  return policies[product];
}
