import type { FastifyReply } from 'fastify';
import type { DiskFormat } from '../../disk/disk-reader.ts';
import { KilnError } from '../../core/errors.ts';
import type { ConsolePage } from '../console-page.ts';
import { regionsOf } from '../products.ts';
import { choiceField, textField, type FormBody } from '../shell/form-fields.ts';
import { imagePath, imageScope } from './image-scope.ts';

type ImageAction = { Params: { product: string; id: string }; Body: FormBody };

const FORMATS: readonly DiskFormat[] = ['raw', 'qcow2', 'vmdk', 'vhd'];

/**
 * What a user does to images: import from a URL, rename, copy, share and unshare
 * (CompShare), publish and withdraw (the community catalogue), delete. Each is a plain
 * form POST through the same core services the dialects call (the same up-front
 * refusals), answered with a redirect to the page that shows the result.
 */
export const imageActions: ConsolePage = {
  name: 'image-actions',
  routes(app, ctx) {
    const back = (reply: FastifyReply, to: string) => reply.redirect(to, 303);

    app.post<{ Params: { product: string }; Body: FormBody }>('/:product/images', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      const regions = regionsOf(ctx.services.config, product);
      const regionId = textField(request.body, 'region', 'Region') || regions[0]?.id || '';
      const region = regions.find((r) => r.id === regionId);
      if (!region) throw new KilnError('RegionNotFound', `region ${regionId} is not served here`);
      const osType = choiceField(request.body, 'osType', 'OS type', ['Linux', 'Windows'] as const);
      const image = await ctx.services.images.import(principal, product, {
        region: region.id,
        zone: region.defaultZone,
        name: textField(request.body, 'name', 'Name', { required: true, max: 128 }),
        url: textField(request.body, 'url', 'URL', { required: true, max: 4096 }),
        format: choiceField(request.body, 'format', 'Format', FORMATS),
        osType,
        osName: textField(request.body, 'osName', 'OS name', { max: 128 }) || osType,
        description: textField(request.body, 'description', 'Description', { max: 1024, multiline: true }),
      });
      return back(reply, imagePath(product, image.id));
    });

    app.post<ImageAction>('/:product/images/:id/rename', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      const name = textField(request.body, 'name', 'Name', { required: true, max: 128 });
      await ctx.services.images.update(principal, product, request.params.id, { name });
      return back(reply, imagePath(product, request.params.id));
    });

    app.post<ImageAction>('/:product/images/:id/copy', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      const regions = regionsOf(ctx.services.config, product);
      const regionId = textField(request.body, 'region', 'Region', { required: true });
      const region = regions.find((r) => r.id === regionId);
      if (!region) throw new KilnError('RegionNotFound', `region ${regionId} is not served here`);
      if (product === 'zec') {
        // ZEC copies an image into another region under the same id (CopyImage).
        await ctx.services.imageReplication.copyToRegions(principal, product, request.params.id, [{ region: region.id, zone: region.defaultZone }]);
        return back(reply, imagePath(product, request.params.id));
      }
      const projectId = textField(request.body, 'projectId', 'Project') || principal.projectId;
      const name = textField(request.body, 'name', 'Name', { max: 128 });
      const [made] = await ctx.services.imageCopies.copyAcross(
        principal,
        product,
        request.params.id,
        [{ projectId, place: { region: region.id, zone: region.defaultZone } }],
        name ? { name } : {},
      );
      // A copy into another project is not in this project's list; its source's page lists it.
      return back(reply, made && projectId === principal.projectId ? imagePath(product, made.image.id) : imagePath(product, request.params.id));
    });

    app.post<ImageAction>('/:product/images/:id/share', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      const account = await accountIdOf(textField(request.body, 'account', 'Account', { required: true }));
      const remove = textField(request.body, 'remove', 'Remove') === 'yes';
      await ctx.services.imageGrants.modify(principal, product, { imageId: request.params.id, add: remove ? [] : [account], remove: remove ? [account] : [] });
      return back(reply, imagePath(product, request.params.id));
    });

    app.post<ImageAction>('/:product/images/:id/publish', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      if (textField(request.body, 'withdraw', 'Withdraw') === 'yes') await ctx.services.catalogue.unpublish(principal, product, request.params.id);
      else await ctx.services.catalogue.publish(principal, product, request.params.id);
      return back(reply, imagePath(product, request.params.id));
    });

    app.post<ImageAction>('/:product/images/:id/delete', async (request, reply) => {
      const { principal, product } = await imageScope(ctx, request);
      const image = await ctx.services.images.getOwned(principal, product, request.params.id);
      // The confirmation names the image: typing its name is what deletes it, so a
      // slip on the wrong row's button deletes nothing.
      if (textField(request.body, 'confirm', 'Confirmation', { max: 256 }) !== image.name) {
        throw new KilnError('InvalidParameter', `type the image's name (${image.name}) to delete it; nothing was deleted`);
      }
      await ctx.services.images.terminate(principal, product, image.id);
      return back(reply, `/console/${product}/images`);
    });

    /** Shares name an account by name (what people know) or by id. */
    async function accountIdOf(nameOrId: string): Promise<string> {
      return (await ctx.services.accounts.accountIdByName(nameOrId)) ?? nameOrId;
    }
  },
};
