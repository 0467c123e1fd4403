/**
 * Kiln's upload endpoint (tus 1.0.0: creation, termination, checksum, expiration), one
 * method per request. Signed like the other Kiln endpoints: `Action=CreateUpload` on the
 * POST, `Action=Upload&UploadId=ID` on HEAD, PATCH and DELETE; or a Bearer token.
 * Refusals are HTTP statuses with a JSON `{code, message}` body (none on HEAD).
 */
import { ApiError, NetworkError } from '../errors.ts';
import { jsonObject } from '../http.ts';
import type { KilnEndpoints, Product } from '../kiln-endpoints.ts';

const TUS = { 'tus-resumable': '1.0.0' };

export interface UploadCreate {
  product: Product;
  size: number;
  name: string;
  /** RAW, QCOW2, VMDK or VHD (the content decides; a mismatch is refused). */
  format: string;
  /** `sha256:<64 hex>` of the whole file. */
  checksum: string;
  region?: string;
  zone?: string;
  osType?: string;
  osName?: string;
  description?: string;
}

export interface StartedUpload {
  uploadId: string;
  /** In the product's spelling (uimage-..., ...). */
  imageId: string;
  /** RFC 7231 date after which an unfinished upload is gone; '' when not told. */
  expires: string;
}

export interface UploadOffset {
  offset: number;
  length: number;
  expires: string;
}

/** tus Upload-Metadata: `key base64(value)` pairs, comma-separated. */
function metadata(pairs: Record<string, string | undefined>): string {
  const utf8 = new TextEncoder();
  const b64 = (s: string) => btoa(Array.from(utf8.encode(s), (b) => String.fromCharCode(b)).join(''));
  return Object.entries(pairs)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(',');
}

async function refusal(action: string, response: Response): Promise<ApiError> {
  // A HEAD answer has no body: its status is all there is.
  if (response.status === 404 && response.body === null)
    return new ApiError(action, 'UploadNotFound', "no such upload (it finished, expired or was aborted, or is not this account's)", 404, undefined);
  const text = await response.text().catch(() => '');
  const body = jsonObject(text);
  const code = typeof body?.code === 'string' ? body.code : `HTTP${response.status}`;
  const message = typeof body?.message === 'string' ? body.message : text.slice(0, 200) || response.statusText;
  return new ApiError(action, code, message, response.status, response.headers.get('x-request-id') ?? undefined);
}

/** A request whose failure to get an answer is a NetworkError (unless the caller aborted it). */
async function send(k: KilnEndpoints, action: string, url: string, init: RequestInit): Promise<Response> {
  const f = k.fetch;
  try {
    return await f(url, init);
  } catch (e) {
    if (init.signal?.aborted) throw init.signal.reason;
    throw new NetworkError(action, e);
  }
}

function whole(action: string, name: string, value: string | null, status: number): number {
  const n = Number(value);
  if (value === null || value === '' || !Number.isSafeInteger(n) || n < 0)
    throw new ApiError(action, 'BadAnswer', `no ${name} in the answer`, status, undefined);
  return n;
}

/** A PATCH's answer: the server's new offset, or its refusal. */
async function newOffset(response: Response): Promise<number> {
  if (response.status !== 204 && response.status !== 200) throw await refusal('Upload', response);
  await response.body?.cancel();
  return whole('Upload', 'Upload-Offset', response.headers.get('upload-offset'), response.status);
}

export class UploadsEndpoint {
  constructor(private readonly kiln: KilnEndpoints) {}

  #uploadUrl(uploadId: string): Promise<string> {
    return this.kiln.url(`/v1/uploads/${encodeURIComponent(uploadId)}`, 'Upload', { UploadId: uploadId });
  }

  async create(r: UploadCreate, signal?: AbortSignal): Promise<StartedUpload> {
    const url = await this.kiln.url('/v1/uploads', 'CreateUpload', {});
    const headers = this.kiln.headers({
      ...TUS,
      'upload-length': String(r.size),
      'upload-metadata': metadata({
        product: r.product,
        name: r.name,
        format: r.format,
        checksum: r.checksum,
        region: r.region,
        zone: r.zone,
        'os-type': r.osType,
        'os-name': r.osName,
        description: r.description,
      }),
    });
    const response = await send(this.kiln, 'CreateUpload', url, { method: 'POST', headers, ...(signal ? { signal } : {}) });
    if (response.status !== 201) throw await refusal('CreateUpload', response);
    await response.body?.cancel();
    const location = response.headers.get('location') ?? '';
    // The id is the last segment of the Location, absolute or relative.
    const uploadId = decodeURIComponent(new URL(location, 'http://kiln.invalid/').pathname.split('/').pop() ?? '');
    const imageId = response.headers.get('kiln-image-id') ?? '';
    if (!uploadId || !imageId)
      throw new ApiError('CreateUpload', 'BadAnswer', 'the answer names no upload (Location) or image (Kiln-Image-Id)', 201, undefined);
    return { uploadId, imageId, expires: response.headers.get('upload-expires') ?? '' };
  }

  /** How many bytes the server holds (HEAD). */
  async offset(uploadId: string, signal?: AbortSignal): Promise<UploadOffset> {
    const response = await send(this.kiln, 'Upload', await this.#uploadUrl(uploadId), {
      method: 'HEAD',
      headers: this.kiln.headers({ ...TUS, 'cache-control': 'no-store' }),
      ...(signal ? { signal } : {}),
    });
    if (response.status !== 200 && response.status !== 204) throw await refusal('Upload', response);
    return {
      offset: whole('Upload', 'Upload-Offset', response.headers.get('upload-offset'), response.status),
      length: whole('Upload', 'Upload-Length', response.headers.get('upload-length'), response.status),
      expires: response.headers.get('upload-expires') ?? '',
    };
  }

  /** Appends `body` at `offset` (which must be the server's); answers the new offset. */
  async append(uploadId: string, offset: number, body: Blob | ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<number> {
    const init: RequestInit & { duplex?: 'half' } = {
      method: 'PATCH',
      headers: this.kiln.headers({ ...TUS, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) }),
      body,
      ...(signal ? { signal } : {}),
    };
    // A stream body needs half duplex (fetch's rule for request streams).
    if (!(body instanceof Blob)) init.duplex = 'half';
    return newOffset(await send(this.kiln, 'Upload', await this.#uploadUrl(uploadId), init));
  }

  /**
   * Appends at `offset` through a source that sends its own PATCH (UploadSource.sendRange):
   * `sendRange` is given the URL and the tus headers; answers the new offset.
   */
  async appendRange(
    uploadId: string,
    offset: number,
    sendRange: (url: string, headers: Record<string, string>) => Promise<Response>,
    signal?: AbortSignal,
  ): Promise<number> {
    const url = await this.#uploadUrl(uploadId);
    const headers = this.kiln.headers({ ...TUS, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) });
    let response: Response;
    try {
      response = await sendRange(url, headers);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw new NetworkError('Upload', e);
    }
    return newOffset(response);
  }

  /** Drops the upload and its image (the quota is given back). */
  async abort(uploadId: string, signal?: AbortSignal): Promise<void> {
    const response = await send(this.kiln, 'Upload', await this.#uploadUrl(uploadId), {
      method: 'DELETE',
      headers: this.kiln.headers(TUS),
      ...(signal ? { signal } : {}),
    });
    if (response.status !== 204 && response.status !== 200) throw await refusal('Upload', response);
    await response.body?.cancel();
  }
}
