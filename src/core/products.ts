/**
 * Product policy as data. Each product namespace keeps its resources apart and
 * differs only in the rules below; services read the table instead of branching.
 */
export type Product = 'uhost' | 'compshare' | 'zec';
export const Products: readonly Product[] = ['uhost', 'compshare', 'zec'];

/** Ids of base images offered by every product: no one product's spelling. */
export const SharedBaseImageIdPrefix = 'base-';

export interface ProductPolicy {
  product: Product;
  imageIdPrefix: string;
  instanceIdPrefix: string;
  snapshotIdPrefix: string;
  diskIdPrefix: { boot: string; data: string };
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
    imageIdPrefix: 'uimage-',
    instanceIdPrefix: 'uhost-',
    snapshotIdPrefix: 'snapshot-',
    diskIdPrefix: { boot: 'bsi-', data: 'bsm-' },
    gpuInstancesMayBeImaged: true,
    uniqueImageNames: false,
    deletingImageInCreationCancels: true,
  },
  compshare: {
    product: 'compshare',
    imageIdPrefix: 'compshareimage-',
    instanceIdPrefix: 'uhost-',
    snapshotIdPrefix: 'snapshot-',
    diskIdPrefix: { boot: 'bsi-', data: 'bsm-' },
    gpuInstancesMayBeImaged: true,
    uniqueImageNames: true,
    deletingImageInCreationCancels: true,
  },
  zec: {
    product: 'zec',
    imageIdPrefix: 'img-',
    instanceIdPrefix: 'ins-',
    snapshotIdPrefix: 'snap-',
    diskIdPrefix: { boot: 'disk-', data: 'disk-' },
    gpuInstancesMayBeImaged: false,
    uniqueImageNames: false,
    deletingImageInCreationCancels: false,
  },
};

export function policyOf(product: Product): ProductPolicy {
  return policies[product];
}
