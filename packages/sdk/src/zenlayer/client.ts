import type { ActionMeta, ActionTypes, CallOptions } from '../actions.ts';
import { ApiError } from '../errors.ts';
import { webCryptoHashing, type Hashing } from '../hashing.ts';
import { exchange, jsonObject, type FetchLike } from '../http.ts';
import { sleep, withRetries, type RetryOptions } from '../retry.ts';
import { signZc, zcAuthorization, ZC_SIGNATURE_METHOD } from './signature.ts';

export interface ZecClientOptions {
  /** Service root, e.g. `http://127.0.0.1:8480` (the API is at `/api/v2/zec`). */
  endpoint: string;
  /** Sign with a key pair ... */
  accessKeyId?: string;
  accessKeyPassword?: string;
  /** ... or send `Authorization: Bearer <token>`. */
  token?: string;
  fetch?: FetchLike;
  hashing?: Hashing;
  retry?: RetryOptions;
}

const CONTENT_TYPE = 'application/json';

/**
 * A Zenlayer Cloud API 2.0 client for ZEC: compact JSON bodies, ZC2-HMAC-SHA256 over the
 * exact bytes sent (or a Bearer token); a 4xx/5xx is an ApiError carrying the code.
 */
export class ZecClientBase<A extends ActionTypes<A>> {
  readonly options: ZecClientOptions;
  readonly #meta: Readonly<Record<string, ActionMeta>>;

  constructor(options: ZecClientOptions, meta: Readonly<Record<keyof A & string, ActionMeta>>) {
    if (options.token === undefined && (options.accessKeyId === undefined || options.accessKeyPassword === undefined)) {
      throw new TypeError('ZecClient needs accessKeyId and accessKeyPassword, or a token');
    }
    this.options = { ...options, endpoint: options.endpoint.replace(/\/+$/, '') };
    this.#meta = meta;
  }

  get hashing(): Hashing {
    return this.options.hashing ?? webCryptoHashing;
  }

  async #headers(action: string, url: URL, body: string, timestamp: string): Promise<Record<string, string>> {
    const o = this.options;
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE, 'x-zc-action': action, 'x-zc-version': '2025-09-01', 'x-zc-service': 'zec', 'x-zc-sdk-lang': 'kiln-ts' };
    if (o.token !== undefined) return { ...headers, authorization: `Bearer ${o.token}` };
    // fetch sends the URL's host (port included unless default) as Host; that is what is signed.
    const signature = await signZc({ secret: o.accessKeyPassword!, contentType: CONTENT_TYPE, host: url.host, timestamp, body }, this.hashing);
    return { ...headers, 'x-zc-timestamp': timestamp, 'x-zc-signature-method': ZC_SIGNATURE_METHOD, authorization: zcAuthorization(o.accessKeyId!, signature) };
  }

  async call<K extends keyof A & string>(action: K, params: A[K]['request'], opts: CallOptions = {}): Promise<A[K]['response']> {
    const url = new URL('/api/v2/zec', this.options.endpoint);
    let signedAt: number | undefined;
    const send = async () => {
      const body = JSON.stringify(params);
      // The signature covers the body and a timestamp in whole seconds, and a server keeps
      // every signature it accepted (a replay is refused): a retry signed in the second of
      // the attempt before it would be that attempt again. So a retry waits for a new second.
      if (signedAt !== undefined && this.options.token === undefined) await untilSecondAfter(signedAt, opts.signal);
      signedAt = Math.floor(Date.now() / 1000);
      const { response, text } = await exchange(this.options.fetch ?? fetch, action, url.href, {
        method: 'POST',
        headers: await this.#headers(action, url, body, String(signedAt)),
        body,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const answer = jsonObject(text);
      const requestId = typeof answer?.requestId === 'string' ? answer.requestId : undefined;
      if (response.status !== 200 || !answer || typeof answer.response !== 'object' || answer.response === null) {
        throw new ApiError(action, typeof answer?.code === 'string' ? answer.code : `HTTP${response.status}`, typeof answer?.message === 'string' ? answer.message : text.slice(0, 200), response.status, requestId);
      }
      const { requestId: _id, ...fields } = answer.response as Record<string, unknown>;
      return fields as A[K]['response'];
    };
    return withRetries(send, this.#meta[action]?.readOnly === true, this.options.retry ?? {}, opts.signal);
  }
}

/** Resolves once the clock is past the second `second` (epoch seconds). */
async function untilSecondAfter(second: number, signal: AbortSignal | undefined): Promise<void> {
  const wait = (second + 1) * 1000 - Date.now();
  if (wait > 0) await sleep(wait + 5, signal);
}
