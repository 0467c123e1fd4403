import type { KilnServices } from '../../../../app/services.ts';
import type { Image, ImageKind, Principal } from '../../../../core/model.ts';

export interface PageRequest {
  pageNum: number;
  pageSize: number;
}

/**
 * A page of a product's images after a filter core cannot express (fuzzy name, tags,
 * resource group, FAILED vs UNAVAILABLE, "base images are offered in every zone").
 * The candidates are bounded: custom images by the per-account quota, base images by what
 * the operator installed, so reading them all and paging here stays cheap.
 */
export async function pageOfImages(
  services: KilnServices,
  principal: Principal,
  q: { kinds: ImageKind[]; imageIds: string[]; osType: string | undefined },
  keep: (image: Image) => boolean,
  page: PageRequest,
): Promise<{ items: Image[]; total: number }> {
  const cap = services.config.quotas.customImagesPerAccount + 10_000;
  const { items } = await services.images.list(principal, 'zec', {
    kinds: q.kinds,
    imageIds: q.imageIds.length > 0 ? q.imageIds : undefined,
    osType: q.osType,
    offset: 0,
    limit: cap,
  });
  const matching = items.filter(keep);
  const start = (page.pageNum - 1) * page.pageSize;
  return { items: matching.slice(start, start + page.pageSize), total: matching.length };
}

/** The core OS type a ZEC `osType` filter means; null when no image can match (bsd, android, any). */
export function coreOsType(osType: string | undefined): string | null | undefined {
  if (osType === undefined) return undefined;
  if (osType === 'linux') return 'Linux';
  if (osType === 'windows') return 'Windows';
  return null;
}

/** Fuzzy name match, as the pages describe `imageName`: case-insensitive substring. */
export function nameMatches(name: string, filter: string | undefined): boolean {
  return filter === undefined || name.toLowerCase().includes(filter.toLowerCase());
}
