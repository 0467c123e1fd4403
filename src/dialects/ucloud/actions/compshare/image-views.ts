import type { KilnServices } from '../../../../core/services.ts';
import type { Image } from '../../../../core/model.ts';
import { toCompShareImage } from '../../models/compshare-image.ts';

/**
 * Shapes a page of images, looking up what the rows do not hold (owner names, use
 * counts) once per page rather than once per image.
 */
export async function compShareImageViews(services: KilnServices, images: Image[], opts: { withReadme: boolean; asCommunity: boolean }) {
  const counts = await services.instances.countByImage(images.map((i) => i.id));
  const names = new Map<string, string>();
  for (const id of new Set(images.map((i) => i.accountId).filter((x): x is string => x !== null))) {
    names.set(id, await services.accounts.accountName(id));
  }
  return images.map((image) =>
    toCompShareImage(image, {
      ownerName: image.accountId === null ? '' : (names.get(image.accountId) ?? ''),
      createdCount: counts.get(image.id) ?? 0,
      withReadme: opts.withReadme,
      asCommunity: opts.asCommunity,
    }),
  );
}
