import { refusalOf } from '../../net/import-url-judge.ts';
import { KilnError, renamedParam } from '../errors.ts';
import type { Image, Principal } from '../model.ts';
import { policyOf, type Product } from '../products.ts';
import type { ImageDeps } from './image-service.ts';
import { queueImportJob } from './import-job.ts';
import { type ImportedImageRequest, newImportedImage } from './new-image.ts';

/** An import from a URL: the image to be made, and where its file is. */
export interface ImportRequest extends ImportedImageRequest {
  url: string;
}

/** Starts an import from a URL; the job downloads, inspects and chunks the file. */
export async function startImport(deps: ImageDeps, p: Principal, product: Product, req: ImportRequest): Promise<Image> {
  const policy = policyOf(product);
  // What the request alone shows to be refused is refused now, before an image exists
  // or a slot is taken; the job judges every hop again when it fetches.
  // A slow resolver must not hold the call: past a few seconds the job decides alone.
  const { allowHosts, allowPublic, timeoutMs } = deps.config.imports;
  const judge = { allowHosts, allowPublic, timeoutMs: Math.min(timeoutMs, 5_000), allowedSchemes: ['http:' as const, 'https:' as const] };
  const refusal = await refusalOf(req.url, judge);
  if (refusal !== null) throw new KilnError('InvalidParameter', refusal, 'url');
  const image = newImportedImage(deps.ids.image(product), product, p, req);
  try {
    await deps.store.transaction(async (tx) => {
      await tx.quota.take(p.accountId, product, deps.config.quotas.customImagesPerAccount);
      await tx.images.insert(image, { uniqueName: policy.uniqueImageNames });
      await queueImportJob(tx, image, { url: req.url, format: req.format });
    });
  } catch (e) {
    throw renamedParam(e, 'NameTaken', 'name');
  }
  return image;
}
