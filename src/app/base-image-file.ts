import type { KilnConfig } from '../config/config.ts';
import { addBaseImage, type AddBaseImage } from '../core/images/base-images.ts';
import { KilnError } from '../core/errors.ts';
import type { Image } from '../core/model.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { MetadataStore } from '../core/ports/metadata-store.ts';
import type { ResourceIds } from '../core/resource-ids.ts';
import { openDisk } from '../disk/open-disk.ts';

/** Adds a base image from a disk file on this machine (raw, qcow2, VMDK or VHD): `kiln image add-base FILE`. */
export function addBaseImageFile(
  deps: { store: MetadataStore; blobs: BlobStore; config: KilnConfig; ids: ResourceIds },
  req: AddBaseImage & { file: string },
): Promise<Image> {
  return addBaseImage(deps, req, () =>
    openDisk(req.file, { maxVirtualSize: deps.config.disk.maxVirtualSize }).catch((e: unknown) => {
      throw new KilnError('InvalidParameter', `cannot read ${req.file}: ${e instanceof Error ? e.message : String(e)}`, 'file');
    }),
  );
}
