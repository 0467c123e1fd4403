import type { DiskFormat } from '../../disk/disk-reader.ts';
import type { Attributes, Image, OsType, Principal } from '../model.ts';
import type { Product } from '../products.ts';

/** What only the maker of an image knows; everything else starts as every new image starts. */
export type NewImageFields = Pick<Image, 'id' | 'product' | 'accountId' | 'projectId' | 'region' | 'zone' | 'kind' | 'name' | 'osType' | 'osName'> &
  Partial<Pick<Image, 'description' | 'virtualSize' | 'sourceInstanceId' | 'parentImageId' | 'visibility' | 'attributes'>>;

/**
 * A new image record, still being made: no content yet (a job, or the command adding a
 * base image, commits it with markImageMade), private unless said otherwise.
 */
export function newImage(fields: NewImageFields, now = Date.now()): Image {
  return {
    description: '',
    virtualSize: 0,
    sourceInstanceId: null,
    parentImageId: null,
    visibility: 'private',
    attributes: {},
    ...fields,
    state: 'making',
    failedReason: null,
    storedSize: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** What the caller of an import (from a URL or from an upload) says of the image to be made. */
export interface ImportedImageRequest {
  region: string;
  zone: string;
  name: string;
  description?: string;
  osType: OsType;
  osName: string;
  format: DiskFormat;
  attributes?: Attributes;
}

/**
 * The custom image an import makes, the caller's: its format is recorded among its
 * attributes (the job reads the file as that), after the caller's own, so they cannot
 * hide it. `marks` say more of how the bytes came (an upload says so).
 */
export function newImportedImage(id: string, product: Product, p: Principal, req: ImportedImageRequest, marks: Attributes = {}): Image {
  return newImage({
    id,
    product,
    accountId: p.accountId,
    projectId: p.projectId,
    region: req.region,
    zone: req.zone,
    kind: 'custom',
    name: req.name,
    description: req.description ?? '',
    osType: req.osType,
    osName: req.osName,
    attributes: { ...(req.attributes ?? {}), importFormat: req.format, ...marks },
  });
}
