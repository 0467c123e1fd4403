import type { KilnServices } from '../../../../core/services.ts';
import type { Image, ImageKind, Principal } from '../../../../core/model.ts';

export interface PageRequest {
  pageNum: number;
  pageSize: number;
}

export interface CandidateQuery {
  kinds: ImageKind[];
  imageIds: string[];
  osType: string | undefined;
}

/**
 * Every image of the query, for a filter core cannot express (fuzzy name, tags, resource
 * group, FAILED vs UNAVAILABLE, "base images are offered in every zone", copies in other
 * regions) to narrow and pageOf to cut. The candidates are bounded: custom images by the
 * per-account quota, base images by what the operator installed, so reading them all
 * and paging here stays cheap.
 */
export async function candidateImages(services: KilnServices, principal: Principal, q: CandidateQuery): Promise<Image[]> {
  const cap = services.config.quotas.customImagesPerAccount + 10_000;
  const { items } = await services.images.list(principal, 'zec', {
    kinds: q.kinds,
    imageIds: q.imageIds.length > 0 ? q.imageIds : undefined,
    osType: q.osType,
    offset: 0,
    limit: cap,
  });
  return items;
}

export function pageOf<T>(matching: T[], page: PageRequest): { items: T[]; total: number } {
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
