import type { ActionMeta, ActionTypes, CallOptions } from '../actions.ts';
import { endpointOption, requiredOption } from '../client-options.ts';
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
 * exact bytes sent and X-ZC-Action (or a Bearer token); a 4xx/5xx is an ApiError carrying
 * the code. Signing the action (SignedHeaders `content-type;host;x-zc-action`, which Kiln
 * verifies) means a captured request cannot be resent as another action.
 */
export class ZecClientBase<A extends ActionTypes<A>> {
  readonly options: ZecClientOptions;
  readonly #meta: Readonly<Record<string, ActionMeta>>;
  /** Signatures of changing requests sent in the current second (see #changeSecond). */
  #changesSent = { second: 0, signatures: new Set<string>() };

  constructor(options: ZecClientOptions, meta: Readonly<Record<keyof A & string, ActionMeta>>) {
    const client = new.target.name;
    const endpoint = endpointOption(client, options.endpoint);
    if (options.token !== undefined) {
      requiredOption(client, 'token', options.token, 'a Bearer token from `kiln token create`');
    } else if (options.accessKeyId === undefined && options.accessKeyPassword === undefined) {
      throw new TypeError(
        `${client}: options accessKeyId and accessKeyPassword (or token) are required, but none is given; if they are read from environment variables, those are not set`,
      );
    } else {
      requiredOption(client, 'accessKeyId', options.accessKeyId, "the account's AccessKeyId (its PublicKey)");
      requiredOption(client, 'accessKeyPassword', options.accessKeyPassword, "the account's AccessKeyPassword (its PrivateKey)");
    }
    this.options = { ...options, endpoint };
    this.#meta = meta;
  }

  get hashing(): Hashing {
    return this.options.hashing ?? webCryptoHashing;
  }

  async #headers(action: string, url: URL, body: string, changing: boolean, signal: AbortSignal | undefined): Promise<Record<string, string>> {
    const o = this.options;
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPE,
      'x-zc-action': action,
      'x-zc-version': '2025-09-01',
      'x-zc-service': 'zec',
      'x-zc-sdk-lang': 'kiln-ts',
    };
    if (o.token !== undefined) return { ...headers, authorization: `Bearer ${o.token}` };
    for (;;) {
      const timestamp = Math.floor(Date.now() / 1000);
      // fetch sends the URL's host (port included unless default) as Host; that is what is signed.
      const signature = await signZc(
        { secret: o.accessKeyPassword!, contentType: CONTENT_TYPE, host: url.host, timestamp: String(timestamp), body, action },
        this.hashing,
      );
      if (changing && !this.#firstChangeThisSecond(timestamp, signature)) {
        await untilSecondAfter(timestamp, signal);
        continue;
      }
      return {
        ...headers,
        'x-zc-timestamp': String(timestamp),
        'x-zc-signature-method': ZC_SIGNATURE_METHOD,
        authorization: zcAuthorization(o.accessKeyId!, signature, true),
      };
    }
  }

  /**
   * A server serves a changing request once per signature, and the signature has only
   * whole seconds of time in it: the same change sent twice in one second (stop, start,
   * stop) would be refused the second time. Such a repeat waits for the next second.
   */
  #firstChangeThisSecond(second: number, signature: string): boolean {
    if (this.#changesSent.second !== second) this.#changesSent = { second, signatures: new Set() };
    if (this.#changesSent.signatures.has(signature)) return false;
    this.#changesSent.signatures.add(signature);
    return true;
  }

  async call<K extends keyof A & string>(action: K, params: A[K]['request'], opts: CallOptions = {}): Promise<A[K]['response']> {
    const url = new URL('/api/v2/zec', this.options.endpoint);
    const changing = this.#meta[action]?.readOnly !== true;
    const send = async () => {
      const body = JSON.stringify(params);
      // Only reads are retried, and a read may repeat its signature: no need to re-sign in a new second.
      const { response, text } = await exchange(this.options.fetch ?? fetch, action, url.href, {
        method: 'POST',
        headers: await this.#headers(action, url, body, changing, opts.signal),
        body,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const answer = jsonObject(text);
      const requestId = typeof answer?.requestId === 'string' ? answer.requestId : undefined;
      if (response.status !== 200 || !answer || typeof answer.response !== 'object' || answer.response === null) {
        throw new ApiError(
          action,
          typeof answer?.code === 'string' ? answer.code : `HTTP${response.status}`,
          typeof answer?.message === 'string' ? answer.message : text.slice(0, 200),
          response.status,
          requestId,
        );
      }
      const { requestId: _id, ...fields } = answer.response as Record<string, unknown>;
      return fields as A[K]['response'];
    };
    return withRetries(send, !changing, this.options.retry ?? {}, opts.signal);
  }
}

/** Resolves once the clock is past the second `second` (epoch seconds). */
async function untilSecondAfter(second: number, signal: AbortSignal | undefined): Promise<void> {
  const wait = (second + 1) * 1000 - Date.now();
  if (wait > 0) await sleep(wait + 5, signal);
}
