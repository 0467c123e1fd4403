import type { Repositories } from '../ports/metadata-store.ts';

/**
 * Fails an image still being made and gives its custom-image slot back: a failed image
 * stays listed with its reason, as the clouds show them, but holds no quota. Takes the
 * quota row before the image row, the order deletion takes them in, and reads the state
 * under that lock, so a deletion racing with the failure gives the slot back only once.
 */
export async function failImage(tx: Repositories, imageId: string, reason: string): Promise<void> {
  const seen = await tx.images.get(imageId);
  if (!seen || seen.state !== 'making') return;
  // Snapshots ride on their image's slot; every custom image took one of its own.
  const holder = seen.kind === 'custom' && seen.accountId !== null && seen.product !== null ? { account: seen.accountId, product: seen.product } : null;
  if (holder) await tx.quota.lock(holder.account, holder.product);
  if (!(await tx.images.markFailed(imageId, reason))) return; // deleted or settled meanwhile
  if (holder) await tx.quota.release(holder.account, holder.product);
}
