/**
 * A Zenlayer Cloud API 2.0 client for tests that serialises and signs the way the
 * official SDKs do (PROTOCOLS.md, Zenlayer):
 *   python  json.dumps defaults: `", "` and `": "` separators, non-ASCII as \uXXXX,
 *           Content-Type `application/json; charset=utf-8`
 *   go      encoding/json: compact, Content-Type `application/json`
 * Like them it signs `content-type;host` only (not X-ZC-Action) with X-ZC-Timestamp in
 * whole seconds taken when the call is made, so the same body sent twice in one second
 * carries the same signature, as it does from the official SDKs. `signAction` signs the
 * action as kiln-images-sdk does instead. Headers go out in lower case as the SDKs send them (or
 * in mixed case on request), and the request is sent with node:http so the header names
 * and the Host value (with port) are exactly what was signed.
 *
 * It deliberately does not import the service's protocol code (the signature's strings
 * come from kiln-images-sdk), so a bug there cannot be mirrored here and go unnoticed.
 */
import { createHash, createHmac } from 'node:crypto';
import { zcCanonicalRequest, zcSignedHeaders, zcStringToSign } from 'kiln-images-sdk';
import { request } from 'node:http';
import { checkZecAnswer } from './answer-check.ts';

export type ZcStyle = 'python' | 'go';

export interface ZcResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface ZcCallOptions {
  style?: ZcStyle;
  /** X-ZC-Timestamp to sign and send (unix seconds); now by default. */
  timestamp?: number;
  /** Send this Signature instead of the computed one. */
  signature?: string;
  /** Changes the body bytes after signing (a tampering proxy). */
  tamper?: (body: string) => string;
  /** Send header names in mixed case (`X-Zc-Action`) instead of the SDKs' lower case. */
  mixedCaseHeaders?: boolean;
  /** Send the body exactly as given instead of serialising params. */
  rawBody?: string;
  /** Send (and sign) this Content-Type instead of the style's. */
  contentType?: string;
  /** Send (and sign) this Host instead of the URL's: API servers behind one name. */
  host?: string;
  /**
   * Sign X-ZC-Action too (SignedHeaders `content-type;host;x-zc-action`, as kiln-images-sdk
   * does): `true` for the action sent, or the name of another action to sign while
   * sending this one (a substitution attempt).
   */
  signAction?: true | string;
}

export interface ZcClientOptions {
  baseUrl: string;
  accessKeyId?: string;
  accessKeyPassword?: string;
  /** Authenticate with `Authorization: Bearer <token>` instead of signing. */
  token?: string;
  style?: ZcStyle;
  service?: string;
}

/** Python's json.dumps(obj) with default arguments. */
export function pythonJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  throw new TypeError(`cannot serialise a ${typeof value}`);
}

const contentTypes: Record<ZcStyle, string> = { python: 'application/json; charset=utf-8', go: 'application/json' };

/** ZC2-HMAC-SHA256 from kiln-images-sdk's canonical strings, hashed synchronously with node:crypto. */
export function zcSign(secret: string, contentType: string, host: string, timestamp: string, body: string, action?: string): string {
  const hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
  const toSign = zcStringToSign(timestamp, hex(zcCanonicalRequest(contentType, host, hex(body), action)));
  return createHmac('sha256', secret).update(toSign, 'utf8').digest('hex');
}

export class ZenlayerTestClient {
  constructor(readonly opts: ZcClientOptions) {}

  with(opts: Partial<ZcClientOptions>): ZenlayerTestClient {
    return new ZenlayerTestClient({ ...this.opts, ...opts });
  }

  /** Calls an action and returns status and parsed body (errors included: tests inspect them). */
  async call(action: string, params: Record<string, unknown> = {}, o: ZcCallOptions = {}): Promise<ZcResult> {
    const style = o.style ?? this.opts.style ?? 'python';
    const url = new URL(`/api/v2/${this.opts.service ?? 'zec'}`, this.opts.baseUrl);
    const host = o.host ?? url.host;
    const contentType = o.contentType ?? contentTypes[style];
    const body = o.rawBody ?? (style === 'python' ? pythonJson(params) : JSON.stringify(params));
    const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
    const signedAction = o.signAction === true ? action : o.signAction;
    const headers: [string, string][] = [
      ['content-type', contentType],
      ['host', host],
      ['x-zc-action', action],
      ['x-zc-version', '2025-09-01'],
      ['x-zc-service', this.opts.service ?? 'zec'],
      ['x-zc-sdk-lang', style],
      ['x-zc-sdk-version', '2.0.0'],
    ];
    if (this.opts.token !== undefined) {
      headers.push(['authorization', `Bearer ${this.opts.token}`]);
    } else {
      const signature = o.signature ?? zcSign(this.opts.accessKeyPassword ?? '', contentType, host, timestamp, body, signedAction);
      headers.push(['x-zc-timestamp', timestamp], ['x-zc-signature-method', 'ZC2-HMAC-SHA256']);
      headers.push([
        'authorization',
        `ZC2-HMAC-SHA256 Credential=${this.opts.accessKeyId ?? ''}, SignedHeaders=${zcSignedHeaders(signedAction !== undefined)}, Signature=${signature}`,
      ]);
    }
    const sent = o.tamper ? o.tamper(body) : body;
    const named = headers.map(([k, v]): [string, string] => [
      o.mixedCaseHeaders ? k.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()).replace(/^X-Zc-/, 'X-ZC-') : k,
      v,
    ]);
    named.push(['content-length', String(Buffer.byteLength(sent))]);
    return new Promise((resolve, reject) => {
      const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: named.flat(), setHost: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            return reject(new Error(`non-JSON answer (${res.statusCode}): ${text}`));
          }
          checkZecAnswer(action, res.statusCode ?? 0, body).then(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(sent);
    });
  }

  /** Calls an action that must succeed and returns `response`. */
  async ok(action: string, params: Record<string, unknown> = {}, o: ZcCallOptions = {}): Promise<Record<string, unknown>> {
    const r = await this.call(action, params, o);
    if (r.status !== 200 || typeof r.body.response !== 'object') throw new Error(`${action} failed (${r.status}): ${JSON.stringify(r.body)}`);
    return r.body.response as Record<string, unknown>;
  }
}
