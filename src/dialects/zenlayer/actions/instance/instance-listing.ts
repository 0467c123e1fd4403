import type { KilnServices } from '../../../../core/services.ts';
import type { Instance, Principal } from '../../../../core/model.ts';

/**
 * A page of the caller's ZEC instances. Core filters by id and zone and pages; the
 * filters it cannot express (status, fuzzy name, image, tags, resource group, address)
 * are applied here over the whole filtered list, which is bounded at MAX_SCAN.
 */
const MAX_SCAN = 10_000;

export async function pageOfInstances(
  services: KilnServices,
  principal: Principal,
  q: { ids: string[]; zone?: string | undefined },
  keep: ((i: Instance) => boolean) | undefined,
  page: { pageNum: number; pageSize: number },
): Promise<{ items: Instance[]; total: number }> {
  const ids = q.ids.length > 0 ? q.ids : undefined;
  const offset = (page.pageNum - 1) * page.pageSize;
  if (!keep) return services.instances.list(principal, 'zec', { ids, zone: q.zone, offset, limit: page.pageSize });
  const { items } = await services.instances.list(principal, 'zec', { ids, zone: q.zone, offset: 0, limit: MAX_SCAN });
  const matching = items.filter(keep);
  return { items: matching.slice(offset, offset + page.pageSize), total: matching.length };
}
