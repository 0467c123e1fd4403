import { KilnError } from '../errors.ts';
import { visibleTo } from '../images/image-service.ts';
import type { Image, Principal } from '../model.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { Product } from '../products.ts';

/**
 * Which images an instance may be made or reinstalled from: the ones the caller sees
 * (base, own, public) and custom images of the product another account shared with the
 * caller's. A grant lets the grantee use the image and nothing else (image-grants.ts).
 */
async function usable(store: MetadataStore, image: Image, p: Principal, product: Product): Promise<boolean> {
  if (image.kind === 'snapshot') return false;
  if (visibleTo(image, p, product)) return true;
  return image.product === product && image.kind === 'custom' && (await store.shares.isSharedWith(image.id, p.accountId));
}

/** The image to fill a system disk from; ImageNotFound for one the caller may not use, as for one that does not exist. */
export async function usableImage(store: MetadataStore, p: Principal, product: Product, imageId: string): Promise<Image> {
  const image = await store.images.get(imageId);
  if (!image || !(await usable(store, image, p, product))) throw new KilnError('ImageNotFound', `image ${imageId} does not exist`, 'imageId');
  if (image.state !== 'available') throw new KilnError('ImageNotAvailable', `image ${image.id} is not available (${image.state})`, 'imageId');
  return image;
}

/** A snapshot of the caller's project, or one taken with an image the caller may use (a shared one included). */
async function snapshotUsable(store: MetadataStore, snap: Image, p: Principal, product: Product): Promise<boolean> {
  if (snap.projectId === p.projectId) return true;
  const parent = snap.parentImageId === null ? undefined : await store.images.get(snap.parentImageId);
  return parent !== undefined && (await usable(store, parent, p, product));
}

/** A data-disk snapshot to fill a data disk from, so a grantee gets a shared image's data disks too. */
export async function usableSnapshot(store: MetadataStore, p: Principal, product: Product, snapshotId: string, param: string): Promise<Image> {
  const snap = await store.images.get(snapshotId);
  if (!snap || snap.kind !== 'snapshot' || snap.state !== 'available' || !(await snapshotUsable(store, snap, p, product))) {
    throw new KilnError('ImageNotFound', `snapshot ${snapshotId} does not exist`, param);
  }
  return snap;
}
