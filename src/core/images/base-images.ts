import type { KilnConfig } from '../../config/config.ts';
import { chunkDisk } from '../../disk/chunker.ts';
import { openDisk } from '../../disk/open-disk.ts';
import { ChunkWriter } from '../chunks/chunk-writer.ts';
import { displayTextProblem } from '../display-text.ts';
import { KilnError } from '../errors.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { Image, OsType } from '../model.ts';
import type { Product } from '../products.ts';
import type { ResourceIds } from '../resource-ids.ts';

export interface AddBaseImage {
  file: string;
  name: string;
  osType: OsType;
  osName?: string;
  /** Offered by one product only; every product when absent. */
  product?: Product;
}

/** Adds an operator-supplied base image from a local disk file (the `kiln image add-base` command). */
export async function addBaseImage(d: { store: MetadataStore; blobs: BlobStore; config: KilnConfig; ids: ResourceIds }, req: AddBaseImage): Promise<Image> {
  // Base images are every tenant's to see: their names are held to the API's rule.
  for (const [flag, text] of [['--name', req.name], ['--os-name', req.osName ?? '']] as const) {
    const problem = displayTextProblem(text);
    if (problem !== undefined) throw new KilnError('InvalidParameter', `${flag} ${problem}`, 'name');
  }
  const reader = await openDisk(req.file, { maxVirtualSize: d.config.disk.maxVirtualSize }).catch((e: unknown) => {
    throw new KilnError('InvalidParameter', `cannot read ${req.file}: ${e instanceof Error ? e.message : String(e)}`, 'file');
  });
  // One product's base image looks like that product's images; a base image every
  // product offers is no one product's, so it takes a neutral prefix.
  const id = d.ids.baseImage(req.product);
  // Not a job: the command itself owns its pending chunks until it commits.
  const owner = `base:${id}`;
  try {
    const sink = new ChunkWriter(d.store, d.blobs, owner);
    const chunked = await chunkDisk(reader, sink, { chunkSize: d.config.disk.chunkSize });
    await sink.flush();
    const now = Date.now();
    const region = d.config.regions.find((r) => r.id === d.config.defaultRegion)!;
    const image: Image = {
      id,
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
      state: 'making',
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
    await d.store.transaction(async (tx) => {
      await tx.images.insert(image, { uniqueName: false });
      await tx.images.markAvailable(image.id, chunked);
      await tx.chunks.clearPending(owner);
    });
    return { ...image, state: 'available' };
  } finally {
    await reader.close();
    await d.store.chunks.clearPending(owner);
  }
}
