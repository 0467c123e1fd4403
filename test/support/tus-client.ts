import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { Transform } from 'node:stream';
import { sdkSignature } from './ucloud-client.ts';

/**
 * A small tus 1.0.0 client for Kiln's upload endpoint, authenticated either way the
 * endpoint takes: the UCloud signature in the query (as the SDK signs) or a Bearer token.
 * Bodies are streamed from the file with node:http, so a test can cut a PATCH after a
 * given number of bytes and count exactly what was sent.
 */
export type TusAuth = { publicKey: string; privateKey: string } | { token: string };

export interface TusAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface CreateUpload {
  length: number;
  product: string;
  name: string;
  format: string;
  checksum: string;
  region?: string;
  zone?: string;
}

export class TusTestClient {
  /** Body bytes this client has put on the wire in PATCHes. */
  sentBytes = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly auth: TusAuth,
  ) {}

  async create(c: CreateUpload): Promise<TusAnswer> {
    const meta = Object.entries({ product: c.product, name: c.name, format: c.format, checksum: c.checksum, region: c.region, zone: c.zone })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${Buffer.from(String(v)).toString('base64')}`)
      .join(',');
    return this.send('POST', '/v1/uploads', { Action: 'CreateUpload' }, { 'upload-length': String(c.length), 'upload-metadata': meta });
  }

  /** Resolves once HEAD reports at least `bytes` stored: what a test waits for before cutting a PATCH. */
  async untilStored(id: string, bytes: number): Promise<void> {
    for (;;) {
      if (Number((await this.head(id)).headers['upload-offset']) >= bytes) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  head(id: string): Promise<TusAnswer> {
    return this.send('HEAD', `/v1/uploads/${id}`, { Action: 'Upload', UploadId: id });
  }

  abort(id: string): Promise<TusAnswer> {
    return this.send('DELETE', `/v1/uploads/${id}`, { Action: 'Upload', UploadId: id });
  }

  /**
   * PATCHes `file` from `offset` to its end (or to `cutAfter` bytes of body, where the
   * connection is then destroyed, as a dropped network would, once `beforeCut` resolves:
   * a test waits there until the server has stored what it wants stored before the cut).
   */
  patch(
    id: string,
    file: string,
    offset: number,
    fileSize: number,
    opts: { cutAfter?: number; beforeCut?: () => Promise<void> } = {},
  ): Promise<TusAnswer | 'cut'> {
    const url = this.url(`/v1/uploads/${id}`, { Action: 'Upload', UploadId: id });
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'PATCH',
        headers: {
          ...this.authHeader(),
          'tus-resumable': '1.0.0',
          'content-type': 'application/offset+octet-stream',
          'upload-offset': String(offset),
          'content-length': String(fileSize - offset),
        },
      });
      let cut = false;
      req.on('error', (e) => (cut ? resolve('cut') : reject(e)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flat(res.headers), body: Buffer.concat(chunks).toString('utf8') }));
      });
      let sent = 0;
      const counter = new Transform({
        transform: (chunk: Buffer, _enc, done) => {
          // Past the cut nothing more goes on the wire.
          if (opts.cutAfter !== undefined && sent >= opts.cutAfter) {
            done();
            return;
          }
          let piece = chunk;
          if (opts.cutAfter !== undefined && sent + piece.length >= opts.cutAfter) {
            piece = piece.subarray(0, opts.cutAfter - sent);
            sent += piece.length;
            this.sentBytes += piece.length;
            req.write(piece, () => {
              cut = true;
              void (opts.beforeCut ?? (() => new Promise((r) => setTimeout(r, 200))))().finally(() => req.destroy());
            });
            done();
            return;
          }
          sent += piece.length;
          this.sentBytes += piece.length;
          done(null, piece);
        },
      });
      if (fileSize === offset) {
        req.end();
        return;
      }
      const stream = createReadStream(file, { start: offset, highWaterMark: 256 * 1024 });
      stream.pipe(counter);
      counter.on('data', (b: Buffer) => {
        if (!req.write(b)) {
          counter.pause();
          req.once('drain', () => counter.resume());
        }
      });
      counter.on('end', () => {
        if (!cut) req.end();
      });
    });
  }

  async send(method: string, path: string, query: Record<string, string>, headers: Record<string, string> = {}): Promise<TusAnswer> {
    const res = await fetch(this.url(path, query), { method, headers: { ...this.authHeader(), 'tus-resumable': '1.0.0', ...headers } });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  }

  url(path: string, query: Record<string, string>): string {
    if ('token' in this.auth) return `${this.baseUrl}${path}`;
    const params: Record<string, string> = { ...query, PublicKey: this.auth.publicKey, Expires: String(Math.floor(Date.now() / 1000) + 600) };
    params.Signature = sdkSignature(params, this.auth.privateKey);
    return `${this.baseUrl}${path}?${new URLSearchParams(params)}`;
  }

  private authHeader(): Record<string, string> {
    return 'token' in this.auth ? { authorization: `Bearer ${this.auth.token}` } : {};
  }
}

/** The file's checksum as an upload declares it. */
export async function sha256Checksum(file: string): Promise<string> {
  return `sha256:${createHash('sha256')
    .update(await readFile(file))
    .digest('hex')}`;
}

function flat(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}
