import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../core/model.ts';
import type { Product } from '../../core/products.ts';
import type { ConsoleContext } from '../console-page.ts';
import { productParam } from '../products.ts';
import { userOf } from '../session/request-user.ts';

/** Who acts on which product's images: the signed-in account in its default project. */
export async function imageScope(
  ctx: ConsoleContext,
  request: FastifyRequest<{ Params: { product: string } }>,
): Promise<{ principal: Principal; product: Product }> {
  const product = productParam(request.params.product);
  const principal = await ctx.services.accounts.principal(userOf(request).accountId, undefined);
  return { principal, product };
}

/** The image page of an image, where every action on it returns. */
export function imagePath(product: Product, id: string): string {
  return `/console/${product}/images/${encodeURIComponent(id)}`;
}
