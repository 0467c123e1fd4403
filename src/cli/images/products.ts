/**
 * One shape of image operations over the three products' APIs, so every `kiln images`
 * command works the same whichever product a profile names. What a product's API does
 * not have (UHost and ZEC copies, CompShare and ZEC imports) is a usage error that says so.
 * `list` shows the images the caller can use: its own, then the base images offered to
 * the product (UHost's DescribeImage lists both at once; CompShare and ZEC list base
 * images through their own catalogue actions).
 */
import {
  UploadsEndpoint,
  type CompShareClient,
  type DownloadOptions,
  type ImageProgress,
  type UHostClient,
  type UploadImageOptions,
  type UploadResult,
  type WaitOptions,
  type ZecClient,
} from 'kiln-images-sdk';
import { UsageError } from './exit.ts';
import type { Product, Resolved } from './profile.ts';
import { productClient } from '../product-clients.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface ImageRow {
  id: string;
  name: string;
  state: string;
  /** Virtual size in bytes, as precise as the product reports it (GB, MB or GiB). */
  size: number;
  created: string;
  failedReason: string;
  /** The product's own record, for --json. */
  record: object;
}

export interface ImportRequest {
  url: string;
  format: string;
  name: string;
  osType: string;
  osName: string;
}

export interface ProductImages {
  product: Product;
  /** The images the caller can use (its own and the base images offered to the product), at most `limit`. */
  list(limit: number): Promise<ImageRow[]>;
  show(id: string): Promise<ImageRow>;
  importUrl(r: ImportRequest): Promise<string>;
  /** A local file through Kiln's upload endpoint (every product: the image is listed by the product named). */
  upload(file: string, o: UploadImageOptions): Promise<UploadResult>;
  /** Drops an unfinished upload and its image. */
  abortUpload(uploadId: string): Promise<void>;
  capture(instanceId: string, name: string): Promise<string>;
  remove(id: string): Promise<void>;
  copy(id: string, name: string | undefined): Promise<string>;
  wait(id: string, o: WaitOptions): Promise<ImageProgress>;
  download(id: string, o: DownloadOptions): ReturnType<UHostClient['downloadImage']>;
}

const unixTime = (s: number) => (s > 0 ? new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : '');

function notFound(id: string): never {
  throw new UsageError(`no image ${id}`);
}

function uhost(c: UHostClient): ProductImages {
  const row = (i: Awaited<ReturnType<UHostClient['describeImage']>>['ImageSet'][number]): ImageRow => ({
    id: i.ImageId,
    name: i.ImageName,
    state: i.State === 'Unavailable' ? 'Failed' : i.State,
    // ImageSizeBytes is exact; a server before it answered whole GB only.
    size: i.ImageSizeBytes ?? i.ImageSize * GiB,
    created: unixTime(i.CreateTime),
    failedReason: i.FailedReason ?? '',
    record: i,
  });
  return {
    product: 'uhost',
    list: async (limit) => (await c.describeImage({ Limit: limit })).ImageSet.map(row),
    show: async (id) => row((await c.describeImage({ ImageIds: [id] })).ImageSet[0] ?? notFound(id)),
    importUrl: async (r) =>
      (await c.importCustomImage({ ImageName: r.name, UFileUrl: r.url, Format: r.format, OsType: r.osType, OsName: r.osName, Auth: true })).ImageId,
    upload: (file, o) => c.uploadImage(file, o),
    abortUpload: (id) => new UploadsEndpoint(c.kiln).abort(id),
    capture: async (instanceId, name) => (await c.createCustomImage({ UHostId: instanceId, ImageName: name })).ImageId,
    remove: async (id) => void (await c.terminateCustomImage({ ImageId: id })),
    copy: async () => {
      // CopyCustomImage names a target project (TargetProjectId), which a profile does not hold.
      throw new UsageError(
        "UHost copies name a target project (TargetProjectId), which this command does not take: call CopyCustomImage (the SDK's copyCustomImage); this command copies CompShare images",
      );
    },
    wait: (id, o) => c.waitForImage(id, o),
    download: (id, o) => c.downloadImage(id, o),
  };
}

function compshare(c: CompShareClient): ProductImages {
  // Custom and official images share one record shape (CompShareImage).
  const row = (i: Awaited<ReturnType<CompShareClient['describeCompShareCustomImages']>>['ImageSet'][number]): ImageRow => ({
    id: i.CompShareImageId,
    name: i.Name,
    state: i.Status === 'UnAvailable' ? 'Failed' : i.Status,
    size: i.Size * MiB,
    created: unixTime(i.CreateTime),
    failedReason: i.FailedReason,
    record: i,
  });
  return {
    product: 'compshare',
    list: async (limit) => {
      const own = (await c.describeCompShareCustomImages({ Limit: Math.min(limit, 100) })).ImageSet;
      const left = Math.min(limit - own.length, 100);
      const official = left > 0 ? (await c.describeCompShareImages({ Limit: left })).ImageSet : [];
      return [...own, ...official].map(row);
    },
    show: async (id) => {
      const own = (await c.describeCompShareCustomImages({ CompShareImageId: id })).ImageSet[0];
      return row(own ?? (await c.describeCompShareImages({ CompShareImageId: id })).ImageSet[0] ?? notFound(id));
    },
    importUrl: async () => {
      throw new UsageError(
        'CompShare has no import action from a URL; upload a local file (`kiln images import ./disk.qcow2 ...`) or import with --product uhost',
      );
    },
    upload: (file, o) => c.uploadImage(file, o),
    abortUpload: (id) => new UploadsEndpoint(c.kiln).abort(id),
    capture: async (instanceId, name) => (await c.createCompShareCustomImage({ UHostId: instanceId, Name: name })).CompShareImageId,
    remove: async (id) => void (await c.terminateCompShareCustomImage({ CompShareImageId: id })),
    copy: async (id, name) => (await c.copyCompShareCustomImage({ CompShareImageId: id, ...(name ? { TargetImageName: name } : {}) })).NewCompShareImageId,
    wait: (id, o) => c.waitForImage(id, o),
    download: (id, o) => c.downloadImage(id, o),
  };
}

type ZecListed =
  | Awaited<ReturnType<ZecClient['describeCustomImages']>>['dataSet'][number]
  | Awaited<ReturnType<ZecClient['describeImages']>>['dataSet'][number];

function zec(c: ZecClient, zone: string | undefined): ProductImages {
  const row = (i: ZecListed): ImageRow => ({
    id: i.imageId,
    name: i.imageName,
    state: i.imageStatus === 'AVAILABLE' ? 'Available' : i.imageStatus === 'CREATING' ? 'Making' : 'Failed',
    size: Number(i.imageSize) * GiB,
    created: '',
    failedReason: '',
    record: i,
  });
  return {
    product: 'zec',
    list: async (limit) => {
      const own = (await c.describeCustomImages({ pageSize: Math.min(limit, 1000) })).dataSet;
      const left = Math.min(limit - own.length, 1000);
      const official = left > 0 ? (await c.describeImages({ zoneId: await zecZone(c, zone), imageType: 'PUBLIC_IMAGE', pageSize: left })).dataSet : [];
      return [...own, ...official].map(row);
    },
    show: async (id) => {
      const own = (await c.describeCustomImages({ imageIds: [id] })).dataSet[0];
      return row(own ?? (await c.describeImages({ zoneId: await zecZone(c, zone), imageType: 'PUBLIC_IMAGE', imageIds: [id] })).dataSet[0] ?? notFound(id));
    },
    importUrl: async () => {
      throw new UsageError('ZEC has no import action from a URL; upload a local file (`kiln images import ./disk.qcow2 ...`) or import with --product uhost');
    },
    upload: (file, o) => c.uploadImage(file, { ...(zone ? { zone } : {}), ...o }),
    abortUpload: (id) => new UploadsEndpoint(c.kiln).abort(id),
    capture: async (instanceId, name) => (await c.createImage({ instanceId, imageName: name })).imageId,
    remove: async (id) => {
      const { imageIds } = await c.deleteImages({ imageIds: [id] });
      if (imageIds.length > 0) throw new UsageError(`image ${id} cannot be deleted yet (still being made)`);
    },
    copy: async () => {
      throw new UsageError(
        "ZEC copies an image to other regions under the same id: call CopyImage (the SDK's copyImage); this command copies CompShare images",
      );
    },
    wait: (id, o) => c.waitForImage(id, o),
    download: (id, o) => c.downloadImage(id, o),
  };
}

/**
 * The zone ZEC's DescribeImages is asked about: the profile's, else the first the server
 * serves. Base images are offered in every zone, so any zone lists them all.
 */
async function zecZone(c: ZecClient, zone: string | undefined): Promise<string> {
  if (zone) return zone;
  const first = (await c.describeZones()).zoneSet[0];
  if (!first) throw new UsageError('the server serves no ZEC zone, so it offers no base image to list');
  return first.zoneId;
}

export function productImages(p: Resolved): ProductImages {
  const c = productClient(p);
  if (c.product === 'zec') return zec(c.client, c.zone);
  if (c.product === 'compshare') return compshare(c.client);
  return uhost(c.client);
}
