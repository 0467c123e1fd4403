import type { CommittedContent, Repositories } from '../ports/metadata-store.ts';

/**
 * The named moves of an image out of `making`: made (its content committed), failed
 * (with why), or a copy committed (the source's content shared). Each acts only on an
 * image still being made, so a job that lost a race with a deletion or another failure
 * writes nothing. Services and job handlers both end images through these.
 */

/** Commits a job's content and makes the image available; false if it is no longer being made. */
export function markImageMade(tx: Repositories, imageId: string, content: CommittedContent): Promise<boolean> {
  return tx.images.markAvailable(imageId, content);
}

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

/**
 * Gives a copy the source's content and makes it available. `sourceGone`: the source was
 * deleted first, so there is nothing to share; `targetGone`: the copy was deleted meanwhile.
 */
export function commitCopy(tx: Repositories, fromId: string, toId: string): Promise<'committed' | 'sourceGone' | 'targetGone'> {
  return tx.images.commitCopy(fromId, toId);
}
