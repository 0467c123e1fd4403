import type { BrowseFilters } from '../../core/images/image-browser.ts';
import type { ConsolePage } from '../console-page.ts';
import { productParam, regionsOf } from '../products.ts';
import { userOf } from '../session/request-user.ts';

const PAGE_SIZE = 50;

type ListQuery = Partial<Record<'q' | 'state' | 'os' | 'visibility' | 'sort' | 'after', string>>;

/** A product's images of the signed-in account: search, filters, sort and keyset paging. */
export const imageListPage: ConsolePage = {
  name: 'image-list',
  routes(app, ctx) {
    app.get<{ Params: { product: string }; Querystring: ListQuery }>('/:product/images', async (request, reply) => {
      const product = productParam(request.params.product);
      const user = userOf(request);
      const principal = await ctx.services.accounts.principal(user.accountId, undefined);
      const filters = filtersOf(request.query);
      const page = await ctx.services.imageBrowser.page(principal, product, filters);
      return ctx.render(request, reply, 'images/list', {
        title: 'Images',
        product,
        images: page.items,
        regions: regionsOf(ctx.services.config, product),
        filters: {
          q: filters.nameContains ?? '',
          state: filters.state ?? '',
          os: filters.osType ?? '',
          visibility: filters.visibility ?? '',
          sort: filters.sort,
        },
        nextUrl: page.next ? `?${new URLSearchParams({ ...queryOf(request.query), after: page.next }).toString()}` : undefined,
        firstUrl: request.query.after ? `?${new URLSearchParams(queryOf(request.query)).toString()}` : undefined,
      });
    });
  },
};

/** Unknown filter values are dropped rather than refused: a hand-edited URL still lists. */
function filtersOf(q: ListQuery): BrowseFilters {
  const state = q.state === 'making' || q.state === 'available' || q.state === 'unavailable' ? q.state : undefined;
  const osType = q.os === 'Linux' || q.os === 'Windows' ? q.os : undefined;
  const visibility = q.visibility === 'private' || q.visibility === 'public' ? q.visibility : undefined;
  const sort = q.sort === 'oldest' || q.sort === 'name' ? q.sort : 'newest';
  const nameContains = q.q?.trim().slice(0, 200);
  return {
    sort,
    limit: PAGE_SIZE,
    ...(nameContains ? { nameContains } : {}),
    ...(state ? { state } : {}),
    ...(osType ? { osType } : {}),
    ...(visibility ? { visibility } : {}),
    ...(q.after ? { after: q.after } : {}),
  };
}

/** The filters of the current URL, without its cursor, for the paging links. */
function queryOf(q: ListQuery): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['q', 'state', 'os', 'visibility', 'sort'] as const) {
    const v = q[k];
    if (v) out[k] = v;
  }
  return out;
}
