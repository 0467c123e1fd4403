import type { KilnConfig } from '../../config/config.ts';
import { chunkDisk } from '../../disk/chunker.ts';
import { openDisk } from '../../disk/open-disk.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { Db } from '../../store/metadata/database.ts';
import type { ImageRepo } from '../../store/metadata/image-repo.ts';
import { KilnError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Image, OsType } from '../model.ts';
import { policyOf, type Product } from '../products.ts';

export interface AddBaseImage {
  file: string;
  name: string;
  osType: OsType;
  osName?: string;
  /** Offered by one product only; every product when absent. */
  product?: Product;
}

/** Adds an operator-supplied base image from a local disk file (the `kiln image add-base` command). */
export async function addBaseImage(d: { db: Db; images: ImageRepo; blobs: BlobStore; config: KilnConfig }, req: AddBaseImage): Promise<Image> {
  const reader = await openDisk(req.file, { maxVirtualSize: d.config.disk.maxVirtualSize }).catch((e: unknown) => {
    throw new KilnError('InvalidParameter', `cannot read ${req.file}: ${e instanceof Error ? e.message : String(e)}`, 'FILE');
  });
  try {
    const chunked = await chunkDisk(reader, d.blobs, { chunkSize: d.config.disk.chunkSize });
    const now = Date.now();
    const region = d.config.regions.find((r) => r.id === d.config.defaultRegion)!;
    const image: Image = {
      id: newId(policyOf(req.product ?? 'uhost').imageIdPrefix),
      product: req.product ?? null,
      accountId: null,
      projectId: null,
      region: region.id,
      zone: region.defaultZone,
      kind: 'base',
      name: req.name,
      description: '',
      osType: req.osType,
      osName: req.osName ?? req.name,
      state: 'available',
      failedReason: null,
      virtualSize: chunked.virtualSize,
      storedSize: chunked.storedSize,
      sourceInstanceId: null,
      parentImageId: null,
      visibility: 'public',
      attributes: {},
      createdAt: now,
      updatedAt: now,
    };
    await d.db.transaction().execute(async (trx) => {
      await d.images.insert(image, { uniqueName: false }, trx);
      await d.images.putManifest(image.id, chunked, trx);
    });
    return image;
  } finally {
    await reader.close();
  }
}
