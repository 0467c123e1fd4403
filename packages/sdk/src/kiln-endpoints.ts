/**
 * Kiln's own image endpoints (progress in bytes, download; uploads in upload/), which no vendor API has.
 * Signed like a UCloud call in the query (a pre-signed URL valid until `Expires`), or
 * with a Bearer token.
 */
import { ApiError } from './errors.ts';
import type { Hashing } from './hashing.ts';
import { exchange, jsonObject, type FetchLike } from './http.ts';
import { withRetries, type RetryOptions } from './retry.ts';
import { signUCloud } from './ucloud/signature.ts';

export type Product = 'uhost' | 'compshare' | 'zec';

export interface KilnAuth {
  publicKey?: string;
  privateKey?: string;
  token?: string;
  projectId?: string;
}

export interface KilnEndpointOptions {
  endpoint: string;
  auth: KilnAuth;
  hashing: Hashing;
  fetch?: FetchLike;
  retry?: RetryOptions;
}

export interface ServerProgress {
  ImageId: string;
  State: 'Making' | 'Available' | 'Failed';
  FailedReason: string;
  /** The step the counts are of ('download', 'convert'), '' for one-step work. */
  Phase: string;
  PhaseIndex: number;
  PhaseCount: number;
  DoneBytes: number;
  /** null while unknown. */
  TotalBytes: number | null;
  ElapsedSeconds: number;
  RemainingSeconds: number | null;
  /** Once Available: the image's size over its job's whole time; null before. */
  AverageBytesPerSecond: number | null;
}

/** The progress answer, read field by field: a proxy or an older server must not pass for one. */
function serverProgress(b: Record<string, unknown>): ServerProgress {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const numOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const state = b.State === 'Available' || b.State === 'Failed' ? b.State : 'Making';
  return {
    ImageId: String(b.ImageId ?? ''),
    State: state,
    FailedReason: typeof b.FailedReason === 'string' ? b.FailedReason : '',
    Phase: typeof b.Phase === 'string' ? b.Phase : '',
    PhaseIndex: num(b.PhaseIndex),
    PhaseCount: num(b.PhaseCount),
    DoneBytes: num(b.DoneBytes),
    TotalBytes: numOrNull(b.TotalBytes),
    ElapsedSeconds: num(b.ElapsedSeconds),
    RemainingSeconds: numOrNull(b.RemainingSeconds),
    AverageBytesPerSecond: numOrNull(b.AverageBytesPerSecond),
  };
}

export interface DownloadOptions {
  format?: 'raw' | 'qcow2';
  /** Resume a raw download from this byte (HTTP Range). */
  offset?: number;
  signal?: AbortSignal;
}

export class KilnEndpoints {
  constructor(private readonly o: KilnEndpointOptions) {}

  /** A URL for `action` carrying its signature, or the bare URL when a token is used. */
  async url(path: string, action: string, params: Record<string, string>, ttlSeconds = 3600): Promise<string> {
    const url = new URL(path, this.o.endpoint);
    const { publicKey, privateKey, token, projectId } = this.o.auth;
    const q: Record<string, string> = { Action: action, ...params, ...(projectId ? { ProjectId: projectId } : {}) };
    if (token === undefined) {
      if (!publicKey || !privateKey) throw new TypeError('Kiln endpoints need a key pair or a token');
      q.PublicKey = publicKey;
      q.Expires = String(Math.floor(Date.now() / 1000) + ttlSeconds);
      q.Signature = await signUCloud(q, privateKey, this.o.hashing);
    }
    url.search = new URLSearchParams(q).toString();
    return url.href;
  }

  /** Call it as a plain function: a browser's fetch throws when called as another object's method. */
  get fetch(): FetchLike {
    return this.o.fetch ?? fetch;
  }

  /** Whether the caller gave a fetch (a proxy's, a test's): requests then all go through it. */
  get callerFetch(): boolean {
    return this.o.fetch !== undefined;
  }

  get retry(): RetryOptions {
    return this.o.retry ?? {};
  }

  /** The Bearer header when a token is used; a signed URL carries everything else. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.o.auth.token === undefined ? extra : { ...extra, authorization: `Bearer ${this.o.auth.token}` };
  }

  async progress(product: Product, imageId: string, signal?: AbortSignal): Promise<ServerProgress> {
    const send = async () => {
      const url = await this.url('/v1/images/progress', 'GetImageProgress', { ImageId: imageId, Product: product });
      const { response, text } = await exchange(this.o.fetch ?? fetch, 'GetImageProgress', url, { headers: this.headers(), ...(signal ? { signal } : {}) });
      const body = jsonObject(text);
      if (response.status !== 200 || !body)
        throw new ApiError(
          'GetImageProgress',
          String(body?.code ?? `HTTP${response.status}`),
          String(body?.message ?? text.slice(0, 200)),
          response.status,
          undefined,
        );
      return serverProgress(body);
    };
    return withRetries(send, true, this.o.retry ?? {}, signal);
  }

  /**
   * The image's bytes as a stream (raw: the virtual disk, holes as zeros; qcow2: a
   * complete qcow2 v3 file). `size` is the length of the body, `virtualSize` the disk's.
   */
  async download(
    product: Product,
    imageId: string,
    o: DownloadOptions = {},
  ): Promise<{ body: ReadableStream<Uint8Array>; size: number; virtualSize: number; offset: number }> {
    const format = o.format ?? 'raw';
    if (o.offset && format !== 'raw') throw new TypeError('only raw downloads resume from an offset');
    const url = await this.url('/v1/images/download', 'DownloadImage', { ImageId: imageId, Product: product, Format: format });
    const headers = this.headers(o.offset ? { range: `bytes=${o.offset}-` } : {});
    const response = await (this.o.fetch ?? fetch)(url, { headers, ...(o.signal ? { signal: o.signal } : {}) });
    const complete = /^bytes \*\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
    if (response.status === 416 && o.offset && complete && Number(complete[1]) === o.offset) {
      // Resuming a download that had already finished: nothing is left to send.
      await response.body?.cancel();
      return { body: new ReadableStream<Uint8Array>({ start: (c) => c.close() }), size: 0, virtualSize: o.offset, offset: o.offset };
    }
    if (response.status !== 200 && response.status !== 206) {
      const text = await response.text();
      const body = jsonObject(text);
      throw new ApiError(
        'DownloadImage',
        String(body?.code ?? `HTTP${response.status}`),
        String(body?.message ?? text.slice(0, 200)),
        response.status,
        undefined,
      );
    }
    if (!response.body) throw new ApiError('DownloadImage', 'EmptyBody', 'the answer has no body', response.status, undefined);
    const offset = response.status === 206 ? (o.offset ?? 0) : 0;
    return {
      body: response.body,
      size: Number(response.headers.get('content-length') ?? NaN),
      virtualSize: Number(response.headers.get('x-kiln-virtual-size') ?? NaN),
      offset,
    };
  }
}
