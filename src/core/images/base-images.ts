import type { KilnConfig } from '../../config/config.ts';
import { chunkDisk } from '../../disk/chunker.ts';
import type { DiskReader } from '../../disk/disk-reader.ts';
import { ChunkWriter } from '../chunks/chunk-writer.ts';
import { displayTextProblem } from '../display-text.ts';
import { KilnError } from '../errors.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { Image, OsType } from '../model.ts';
import type { Product } from '../products.ts';
import type { ResourceIds } from '../resource-ids.ts';
import { markImageMade } from './image-lifecycle.ts';
import { newImage } from './new-image.ts';

export interface AddBaseImage {
  name: string;
  osType: OsType;
  osName?: string;
  /** Offered by one product only; every product when absent. */
  product?: Product;
}

/**
 * Adds an operator-supplied base image (the `kiln image add-base` command) from a disk
 * `openDisk` opens once the names are accepted; where its bytes come from is the
 * caller's (app/base-image-file.ts reads a local file). The reader is closed here.
 */
export async function addBaseImage(
  deps: { store: MetadataStore; blobs: BlobStore; config: KilnConfig; ids: ResourceIds },
  req: AddBaseImage,
  openDisk: () => Promise<DiskReader>,
): Promise<Image> {
  // Base images are every tenant's to see: their names are held to the API's rule.
  for (const [flag, text] of [
    ['--name', req.name],
    ['--os-name', req.osName ?? ''],
  ] as const) {
    const problem = displayTextProblem(text);
    if (problem !== undefined) throw new KilnError('InvalidParameter', `${flag} ${problem}`, 'name');
  }
  const reader = await openDisk();
  // One product's base image looks like that product's images; a base image every
  // product offers is no one product's, so it takes a neutral prefix.
  const id = deps.ids.baseImage(req.product);
  // Not a job: the command itself owns its pending chunks until it commits.
  const owner = `base:${id}`;
  try {
    const sink = new ChunkWriter(deps.store, deps.blobs, owner);
    const chunked = await chunkDisk(reader, sink, { chunkSize: deps.config.disk.chunkSize });
    await sink.flush();
    const region = deps.config.regions.find((r) => r.id === deps.config.defaultRegion)!;
    const image = newImage({
      id,
      product: req.product ?? null,
      accountId: null,
      projectId: null,
      region: region.id,
      zone: region.defaultZone,
      kind: 'base',
      name: req.name,
      osType: req.osType,
      osName: req.osName ?? req.name,
      virtualSize: chunked.virtualSize,
      visibility: 'public',
    });
    await deps.store.transaction(async (tx) => {
      await tx.images.insert(image, { uniqueName: false });
      await markImageMade(tx, image.id, chunked);
      await tx.chunks.clearPending(owner);
    });
    return { ...image, state: 'available', storedSize: chunked.storedSize };
  } finally {
    await reader.close();
    await deps.store.chunks.clearPending(owner);
  }
}
