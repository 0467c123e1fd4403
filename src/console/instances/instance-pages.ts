import type { FastifyRequest } from 'fastify';
import { KilnError } from '../../core/errors.ts';
import type { Principal } from '../../core/model.ts';
import type { ConsoleContext, ConsolePage } from '../console-page.ts';
import { productParam } from '../products.ts';
import { userOf } from '../session/request-user.ts';
import { intField, textField, type FormBody } from './instance-form.ts';
import { bootDiskType, zonesOf } from './instance-zones.ts';

const PAGE_SIZE = 50;

type ProductParams = { product: string };
type InstanceParams = { product: string; id: string };

async function principalOf(ctx: ConsoleContext, request: FastifyRequest): Promise<Principal> {
  return ctx.services.accounts.principal(userOf(request).accountId, undefined);
}

/**
 * A product's instances of the signed-in account: the list with a create form, and each
 * instance's page with the actions its state allows (stop, start, reinstall, terminate,
 * capture an image). Every action is the InstanceService or ImageService call the
 * dialects make, so the console refuses what the APIs refuse, with the same codes.
 */
export const instancePages: ConsolePage = {
  name: 'instances',
  routes(app, ctx) {
    app.get<{ Params: ProductParams; Querystring: { offset?: string } }>('/:product/instances', async (request, reply) => {
      const product = productParam(request.params.product);
      const principal = await principalOf(ctx, request);
      const offset = Math.max(0, Math.min(1_000_000, Number.parseInt(request.query.offset ?? '0', 10) || 0));
      const page = await ctx.services.instances.list(principal, product, { offset, limit: PAGE_SIZE });
      // The images an instance may start from: the official ones and the account's own available ones.
      const official = await ctx.services.catalogue.official(product, { offset: 0, limit: 100 });
      const own = await ctx.services.imageBrowser.page(principal, product, { sort: 'newest', state: 'available', limit: 100 });
      return ctx.render(request, reply, 'instances/list', {
        title: 'Instances',
        product,
        instances: page.items,
        total: page.total,
        images: [...own.items, ...official.items],
        zones: zonesOf(ctx.services.config, product),
        prevUrl: offset > 0 ? `?offset=${Math.max(0, offset - PAGE_SIZE)}` : undefined,
        nextUrl: offset + PAGE_SIZE < page.total ? `?offset=${offset + PAGE_SIZE}` : undefined,
      });
    });

    app.post<{ Params: ProductParams; Body: FormBody }>('/:product/instances', async (request, reply) => {
      const product = productParam(request.params.product);
      const principal = await principalOf(ctx, request);
      const body = request.body ?? {};
      const where = textField(body, 'zone', { required: true });
      const zone = zonesOf(ctx.services.config, product).find((z) => `${z.region}/${z.zone}` === where);
      if (!zone) throw new KilnError('ZoneNotFound', `zone ${where} is not served here`, 'zone');
      const instance = await ctx.services.instances.create(principal, product, {
        region: zone.region,
        zone: zone.zone,
        imageId: textField(body, 'imageId', { required: true }),
        name: textField(body, 'name', { required: true, max: 63 }),
        cpu: intField(body, 'cpu', 1, 256),
        memoryMb: intField(body, 'memoryMb', 256, 4 * 1024 * 1024),
        gpuType: null,
        gpuCount: 0,
        disks: [{ isBoot: true, type: bootDiskType(product), sizeGb: intField(body, 'diskGb', 1, 64 * 1024) }],
      });
      return reply.redirect(`/console/${product}/instances/${encodeURIComponent(instance.id)}`, 303);
    });

    app.get<{ Params: InstanceParams }>('/:product/instances/:id', async (request, reply) => {
      const product = productParam(request.params.product);
      const principal = await principalOf(ctx, request);
      // Another account's instance answers InstanceNotFound, exactly as a missing one.
      const instance = await ctx.services.instances.get(principal, product, request.params.id);
      const disks = await ctx.services.instances.disks(instance.id);
      return ctx.render(request, reply, 'instances/show', { title: instance.name || instance.id, product, instance, disks });
    });

    const act = (
      path: string,
      run: (principal: Principal, product: ReturnType<typeof productParam>, id: string, body: FormBody) => Promise<string | undefined>,
    ) =>
      app.post<{ Params: InstanceParams; Body: FormBody }>(`/:product/instances/:id/${path}`, async (request, reply) => {
        const product = productParam(request.params.product);
        const principal = await principalOf(ctx, request);
        const next = await run(principal, product, request.params.id, request.body ?? {});
        return reply.redirect(next ?? `/console/${product}/instances/${encodeURIComponent(request.params.id)}`, 303);
      });

    act('stop', async (p, product, id) => {
      await ctx.services.instances.stop(p, product, id);
      return undefined;
    });
    act('start', async (p, product, id) => {
      await ctx.services.instances.start(p, product, id);
      return undefined;
    });
    act('reinstall', async (p, product, id, body) => {
      const imageId = textField(body, 'imageId');
      await ctx.services.instances.reinstall(p, product, { instanceId: id, keepDataDisks: true, ...(imageId ? { imageId } : {}) });
      return undefined;
    });
    act('terminate', async (p, product, id, body) => {
      // The confirmation names the instance: a stray click or a replayed form ends nothing.
      const instance = await ctx.services.instances.get(p, product, id);
      if (textField(body, 'confirm') !== instance.id) {
        throw new KilnError('InvalidParameter', `type the instance's id ${instance.id} to confirm terminating it`, 'confirm');
      }
      await ctx.services.instances.terminate(p, product, id);
      return `/console/${product}/instances`;
    });
    act('capture', async (p, product, id, body) => {
      const description = textField(body, 'description', { max: 1024 });
      const { image } = await ctx.services.images.capture(p, product, {
        instanceId: id,
        name: textField(body, 'name', { required: true, max: 63 }),
        ...(description ? { description } : {}),
      });
      return `/console/${product}/images?${new URLSearchParams({ q: image.name }).toString()}`;
    });
  },
};
