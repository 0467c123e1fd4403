/**
 * The clients users construct: the generated typed API of each product, plus waiters
 * and Kiln's own endpoints (progress in bytes, download).
 */
import { CompShareApi } from './generated/compshare.ts';
import { webCryptoHashing } from './hashing.ts';
import { UHostApi } from './generated/uhost.ts';
import { ZecApi } from './generated/zec.ts';
import { KilnEndpoints, type DownloadOptions, type Product } from './kiln-endpoints.ts';
import type { UCloudClientOptions } from './ucloud/client.ts';
import { pollImage, type ImageProgress, type WaitOptions } from './waiter.ts';
import type { ZecClientOptions } from './zenlayer/client.ts';

type Reading = Omit<ImageProgress, 'doneBytes' | 'totalBytes'>;

/** A vendor reading completed with Kiln's byte counts (best effort: a reading without them is still a reading). */
async function withBytes(kiln: KilnEndpoints, product: Product, r: Reading, signal?: AbortSignal): Promise<ImageProgress> {
  if (r.state !== 'making') return r;
  try {
    const p = await kiln.progress(product, r.imageId, signal);
    // 0 of 1 is the server's "no count yet" (the job has not reported any work).
    if (p.TotalBytes <= 1) return r;
    return { ...r, doneBytes: p.DoneBytes, totalBytes: p.TotalBytes, ...(r.percent === undefined && p.TotalBytes > 0 ? { percent: (100 * p.DoneBytes) / p.TotalBytes } : {}) };
  } catch (e) {
    if (signal?.aborted) throw e;
    return r;
  }
}

function ucloudKiln(o: UCloudClientOptions): KilnEndpoints {
  return new KilnEndpoints({ endpoint: o.endpoint, auth: { publicKey: o.publicKey, privateKey: o.privateKey, ...(o.projectId ? { projectId: o.projectId } : {}) }, hashing: o.hashing ?? webCryptoHashing, ...(o.fetch ? { fetch: o.fetch } : {}), ...(o.retry ? { retry: o.retry } : {}) });
}

export class UHostClient extends UHostApi {
  readonly kiln = ucloudKiln(this.options);

  /** Polls DescribeImage (and Kiln's byte counts) until the image is Available; Unavailable rejects with its FailedReason. */
  waitForImage(imageId: string, o: WaitOptions = {}): Promise<ImageProgress> {
    return pollImage(async (signal) => {
      const { ImageSet } = await this.describeImage({ ImageIds: [imageId] }, signal ? { signal } : {});
      const img = ImageSet[0];
      // DescribeImage lists one region: a copy made in another is waited for with a client of that region.
      if (!img) return { imageId, state: 'failed', failedReason: `the image no longer exists in region ${this.options.region ?? '(default)'}` };
      const state = img.State === 'Available' ? 'available' : img.State === 'Making' ? 'making' : 'failed';
      return withBytes(this.kiln, 'uhost', { imageId, state, failedReason: img.FailedReason ?? '' }, signal);
    }, o);
  }

  downloadImage(imageId: string, o: DownloadOptions = {}) {
    return this.kiln.download('uhost', imageId, o);
  }
}

export class CompShareClient extends CompShareApi {
  readonly kiln = ucloudKiln(this.options);

  /** Polls DescribeCompShareCustomImages and GetCompShareImageCreateProgress until Available; UnAvailable rejects with FailedReason. */
  waitForImage(imageId: string, o: WaitOptions = {}): Promise<ImageProgress> {
    return pollImage(async (signal) => {
      const opts = signal ? { signal } : {};
      const { ImageSet } = await this.describeCompShareCustomImages({ CompShareImageId: imageId }, opts);
      const img = ImageSet[0];
      if (!img) return { imageId, state: 'failed', failedReason: 'the image no longer exists' };
      const state = img.Status === 'Available' ? 'available' : img.Status === 'Making' ? 'making' : 'failed';
      const percent = state === 'making' ? (await this.getCompShareImageCreateProgress({ CompShareImageId: imageId }, opts)).Process : state === 'available' ? 100 : undefined;
      return withBytes(this.kiln, 'compshare', { imageId, state, failedReason: img.FailedReason, ...(percent !== undefined ? { percent } : {}) }, signal);
    }, o);
  }

  downloadImage(imageId: string, o: DownloadOptions = {}) {
    return this.kiln.download('compshare', imageId, o);
  }
}

export class ZecClient extends ZecApi {
  readonly kiln: KilnEndpoints;

  constructor(options: ZecClientOptions) {
    super(options);
    const auth = options.token !== undefined ? { token: options.token } : { publicKey: options.accessKeyId!, privateKey: options.accessKeyPassword! };
    this.kiln = new KilnEndpoints({ endpoint: options.endpoint, auth, hashing: this.hashing, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.retry ? { retry: options.retry } : {}) });
  }

  /**
   * Polls DescribeCustomImages until AVAILABLE. ZEC images carry no failure reason, so a
   * FAILED image's reason is read from Kiln's progress endpoint.
   */
  waitForImage(imageId: string, o: WaitOptions = {}): Promise<ImageProgress> {
    return pollImage(async (signal) => {
      const { dataSet } = await this.describeCustomImages({ imageIds: [imageId] }, signal ? { signal } : {});
      const img = dataSet[0];
      if (!img) return { imageId, state: 'failed', failedReason: 'the image no longer exists' };
      if (img.imageStatus === 'AVAILABLE') return { imageId, state: 'available', failedReason: '' };
      if (img.imageStatus === 'CREATING') return withBytes(this.kiln, 'zec', { imageId, state: 'making', failedReason: '' }, signal);
      const reason = await this.kiln.progress('zec', imageId, signal).then((p) => p.FailedReason, () => '');
      return { imageId, state: 'failed', failedReason: reason || img.imageStatus };
    }, o);
  }

  downloadImage(imageId: string, o: DownloadOptions = {}) {
    return this.kiln.download('zec', imageId, o);
  }
}
