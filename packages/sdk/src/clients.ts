/**
 * The clients users construct: the generated typed API of each product, plus waiters
 * and Kiln's own endpoints (progress in bytes, download, upload).
 */
import { CompShareApi } from './generated/compshare.ts';
import { webCryptoHashing } from './hashing.ts';
import { UHostApi } from './generated/uhost.ts';
import { ZecApi } from './generated/zec.ts';
import { KilnEndpoints, type DownloadOptions, type Product, type ServerProgress } from './kiln-endpoints.ts';
import type { UCloudClientOptions } from './ucloud/client.ts';
import type { UploadSource } from './upload/source.ts';
import { uploadImage, type UploadImageOptions, type UploadResult } from './upload/upload-image.ts';
import { pollImage, type ImageProgress, type WaitOptions } from './waiter.ts';
import type { ZecClientOptions } from './zenlayer/client.ts';

type Reading = Pick<ImageProgress, 'imageId' | 'state' | 'failedReason' | 'percent'>;

/**
 * Kiln's byte counts for an image, read beside the vendor's describe call (both at once,
 * so a poll costs one round trip, and the poll that sees Available returns no later for
 * them); undefined when they cannot be had (best effort: a reading without them is
 * still a reading).
 */
async function readProgress(kiln: KilnEndpoints, product: Product, imageId: string, signal?: AbortSignal): Promise<ServerProgress | undefined> {
  try {
    return await kiln.progress(product, imageId, signal);
  } catch (e) {
    if (signal?.aborted) throw e;
    return undefined;
  }
}

/**
 * A vendor reading completed with Kiln's byte counts `p`, read at the same time. An
 * Available reading gets them too: the image's real size and the job's average rate, so
 * a job that ended between two polls still reports what it made; counts read a moment
 * before the job committed are read again for it.
 */
async function withBytes(
  kiln: KilnEndpoints,
  product: Product,
  r: Reading,
  progress: ServerProgress | undefined,
  signal?: AbortSignal,
): Promise<ImageProgress> {
  if (r.state === 'failed') return r;
  let p = progress;
  // The counts are read with the state they were given for.
  if (r.state === 'available' && p !== undefined && p.State !== 'Available') p = await readProgress(kiln, product, r.imageId, signal);
  if (p === undefined) return r;
  if (r.state === 'available') {
    if (p.State !== 'Available' || p.TotalBytes === null) return r;
    return {
      ...r,
      ...phaseOf(p),
      doneBytes: p.TotalBytes,
      totalBytes: p.TotalBytes,
      ...(p.AverageBytesPerSecond !== null ? { bytesPerSecond: p.AverageBytesPerSecond } : {}),
    };
  }
  // Nothing counted yet (older servers answer that as 0 of 1).
  if (p.Phase === '' && p.DoneBytes === 0 && (p.TotalBytes === null || p.TotalBytes <= 1)) return r;
  const percent = r.percent ?? overallPercent(p);
  return {
    ...r,
    ...phaseOf(p),
    doneBytes: p.DoneBytes,
    ...(p.TotalBytes !== null ? { totalBytes: p.TotalBytes } : {}),
    ...(percent !== undefined ? { percent } : {}),
  };
}

function phaseOf(p: ServerProgress): Pick<ImageProgress, 'phase' | 'phaseIndex' | 'phaseCount'> {
  return p.Phase === '' ? {} : { phase: p.Phase, phaseIndex: p.PhaseIndex, phaseCount: p.PhaseCount };
}

/** Phases weigh the same; a phase of unknown size gives no percent (it would be a guess). */
function overallPercent(p: ServerProgress): number | undefined {
  if (p.TotalBytes === null || p.TotalBytes <= 0) return undefined;
  const within = Math.min(1, p.DoneBytes / p.TotalBytes);
  const [index, count] = p.Phase === '' || p.PhaseCount <= 0 ? [1, 1] : [p.PhaseIndex, p.PhaseCount];
  return (100 * (index - 1 + within)) / count;
}

function ucloudKiln(o: UCloudClientOptions): KilnEndpoints {
  return new KilnEndpoints({
    endpoint: o.endpoint,
    auth: { publicKey: o.publicKey, privateKey: o.privateKey, ...(o.projectId ? { projectId: o.projectId } : {}) },
    hashing: o.hashing ?? webCryptoHashing,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
  });
}

export class UHostClient extends UHostApi {
  readonly kiln = ucloudKiln(this.options);

  /** Polls DescribeImage (and Kiln's byte counts) until the image is Available; Unavailable rejects with its FailedReason. */
  waitForImage(imageId: string, o: WaitOptions = {}): Promise<ImageProgress> {
    return pollImage(async (signal) => {
      const [{ ImageSet }, progress] = await Promise.all([
        this.describeImage({ ImageIds: [imageId] }, signal ? { signal } : {}),
        readProgress(this.kiln, 'uhost', imageId, signal),
      ]);
      const img = ImageSet[0];
      // DescribeImage lists one region: a copy made in another is waited for with a client of that region.
      if (!img) return { imageId, state: 'failed', failedReason: `the image no longer exists in region ${this.options.region ?? '(default)'}` };
      const state = img.State === 'Available' ? 'available' : img.State === 'Making' ? 'making' : 'failed';
      return withBytes(this.kiln, 'uhost', { imageId, state, failedReason: img.FailedReason ?? '' }, progress, signal);
    }, o);
  }

  downloadImage(imageId: string, o: DownloadOptions = {}) {
    return this.kiln.download('uhost', imageId, o);
  }

  /**
   * Makes an image from a local file (a path, in Node) or a Blob/File (browsers too)
   * through Kiln's resumable upload, then waits for it unless `wait: false`.
   */
  uploadImage(file: string | Blob | UploadSource, o: UploadImageOptions): Promise<UploadResult> {
    return uploadImage(
      this.kiln,
      { product: 'uhost', region: this.options.region, zone: this.options.zone, wait: (id, w) => this.waitForImage(id, w) },
      file,
      o,
    );
  }
}

export class CompShareClient extends CompShareApi {
  readonly kiln = ucloudKiln(this.options);

  /** Polls DescribeCompShareCustomImages and GetCompShareImageCreateProgress until Available; UnAvailable rejects with FailedReason. */
  waitForImage(imageId: string, o: WaitOptions = {}): Promise<ImageProgress> {
    return pollImage(async (signal) => {
      const opts = signal ? { signal } : {};
      const [{ ImageSet }, progress] = await Promise.all([
        this.describeCompShareCustomImages({ CompShareImageId: imageId }, opts),
        readProgress(this.kiln, 'compshare', imageId, signal),
      ]);
      const img = ImageSet[0];
      if (!img) return { imageId, state: 'failed', failedReason: 'the image no longer exists' };
      const state = img.Status === 'Available' ? 'available' : img.Status === 'Making' ? 'making' : 'failed';
      const percent =
        state === 'making'
          ? (await this.getCompShareImageCreateProgress({ CompShareImageId: imageId }, opts)).Process
          : state === 'available'
            ? 100
            : undefined;
      return withBytes(
        this.kiln,
        'compshare',
        { imageId, state, failedReason: img.FailedReason, ...(percent !== undefined ? { percent } : {}) },
        progress,
        signal,
      );
    }, o);
  }

  downloadImage(imageId: string, o: DownloadOptions = {}) {
    return this.kiln.download('compshare', imageId, o);
  }

  /**
   * Makes an image from a local file (a path, in Node) or a Blob/File (browsers too)
   * through Kiln's resumable upload, then waits for it unless `wait: false`.
   */
  uploadImage(file: string | Blob | UploadSource, o: UploadImageOptions): Promise<UploadResult> {
    return uploadImage(
      this.kiln,
      { product: 'compshare', region: this.options.region, zone: this.options.zone, wait: (id, w) => this.waitForImage(id, w) },
      file,
      o,
    );
  }
}

export class ZecClient extends ZecApi {
  readonly kiln: KilnEndpoints;

  constructor(options: ZecClientOptions) {
    super(options);
    const auth = options.token !== undefined ? { token: options.token } : { publicKey: options.accessKeyId!, privateKey: options.accessKeyPassword! };
    this.kiln = new KilnEndpoints({
      endpoint: options.endpoint,
      auth,
      hashing: this.hashing,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
  }

  /**
   * Polls DescribeCustomImages until AVAILABLE. ZEC images carry no failure reason, so a
   * FAILED image's reason is read from Kiln's progress endpoint.
   */
  waitForImage(imageId: string, o: WaitOptions = {}): Promise<ImageProgress> {
    return pollImage(async (signal) => {
      const [{ dataSet }, progress] = await Promise.all([
        this.describeCustomImages({ imageIds: [imageId] }, signal ? { signal } : {}),
        readProgress(this.kiln, 'zec', imageId, signal),
      ]);
      const img = dataSet[0];
      if (!img) return { imageId, state: 'failed', failedReason: 'the image no longer exists' };
      if (img.imageStatus === 'AVAILABLE') return withBytes(this.kiln, 'zec', { imageId, state: 'available', failedReason: '' }, progress, signal);
      if (img.imageStatus === 'CREATING') return withBytes(this.kiln, 'zec', { imageId, state: 'making', failedReason: '' }, progress, signal);
      // A reading taken a moment before the job failed has no reason yet: read again.
      const failed = progress?.State === 'Failed' ? progress : await readProgress(this.kiln, 'zec', imageId, signal);
      const reason = failed?.FailedReason ?? '';
      return { imageId, state: 'failed', failedReason: reason || img.imageStatus };
    }, o);
  }

  downloadImage(imageId: string, o: DownloadOptions = {}) {
    return this.kiln.download('zec', imageId, o);
  }

  /**
   * Makes an image from a local file (a path, in Node) or a Blob/File (browsers too)
   * through Kiln's resumable upload, then waits for it unless `wait: false`.
   */
  uploadImage(file: string | Blob | UploadSource, o: UploadImageOptions): Promise<UploadResult> {
    return uploadImage(this.kiln, { product: 'zec', wait: (id, w) => this.waitForImage(id, w) }, file, o);
  }
}
