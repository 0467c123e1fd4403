import type { ActionMeta, ActionTypes, CallOptions } from '../actions.ts';
import { endpointOption, requiredOption } from '../client-options.ts';
import { ApiError } from '../errors.ts';
import { webCryptoHashing, type Hashing } from '../hashing.ts';
import { exchange, jsonObject, type FetchLike } from '../http.ts';
import { withRetries, type RetryOptions } from '../retry.ts';
import { flattenParams, valueString } from './flatten.ts';
import { signUCloud } from './signature.ts';

export interface UCloudClientOptions {
  /** Service root, e.g. `http://127.0.0.1:8480` (the API is at `/`). */
  endpoint: string;
  publicKey: string;
  privateKey: string;
  /** Sent with every call that does not name its own, as the vendor SDKs do. */
  region?: string;
  zone?: string;
  projectId?: string;
  fetch?: FetchLike;
  hashing?: Hashing;
  retry?: RetryOptions;
}

/** Request types with the parameters the client fills in itself made optional. */
export type WithDefaults<R> = Omit<R, 'Region' | 'Zone' | 'ProjectId'> & { Region?: string; Zone?: string; ProjectId?: string };

/**
 * A UCloud-style client (UHost, CompShare): flattens, signs (SHA1) and POSTs a flat JSON
 * body as the JS SDK does; a RetCode ≠ 0 is an ApiError carrying it.
 */
export class UCloudClient<A extends ActionTypes<A>> {
  readonly options: UCloudClientOptions;
  readonly #meta: Readonly<Record<string, ActionMeta>>;

  constructor(options: UCloudClientOptions, meta: Readonly<Record<keyof A & string, ActionMeta>>) {
    const client = new.target.name;
    const endpoint = endpointOption(client, options.endpoint);
    requiredOption(client, 'publicKey', options.publicKey, "the account's PublicKey");
    requiredOption(client, 'privateKey', options.privateKey, "the account's PrivateKey");
    this.options = { ...options, endpoint };
    this.#meta = meta;
  }

  get hashing(): Hashing {
    return this.options.hashing ?? webCryptoHashing;
  }

  /** Signed parameters as strings, Signature included: what every request carries. */
  async signedParams(action: string, params: object): Promise<Record<string, string>> {
    const o = this.options;
    const values = flattenParams(params);
    values.set('Action', action);
    for (const [name, value] of [
      ['Region', o.region],
      ['Zone', o.zone],
      ['ProjectId', o.projectId],
    ] as const) {
      if (value !== undefined && !values.has(name)) values.set(name, value);
    }
    values.set('PublicKey', o.publicKey);
    const strings: Record<string, string> = {};
    for (const [k, v] of values) strings[k] = valueString(v);
    strings.Signature = await signUCloud(strings, o.privateKey, this.hashing);
    return strings;
  }

  async call<K extends keyof A & string>(action: K, params: WithDefaults<A[K]['request']>, opts: CallOptions = {}): Promise<A[K]['response']> {
    const send = async () => {
      const body = JSON.stringify(await this.signedParams(action, params));
      const { response, text } = await exchange(this.options.fetch ?? fetch, action, `${this.options.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'u-timestamp-ms': String(Date.now()) },
        body,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const requestId = response.headers.get('x-ucloud-request-uuid') ?? undefined;
      const answer = jsonObject(text);
      if (!answer || typeof answer.RetCode !== 'number') throw new ApiError(action, `HTTP${response.status}`, text.slice(0, 200), response.status, requestId);
      if (answer.RetCode !== 0) throw new ApiError(action, String(answer.RetCode), String(answer.Message ?? ''), response.status, requestId);
      const { Action: _a, RetCode: _r, ...fields } = answer;
      return fields as A[K]['response'];
    };
    return withRetries(send, this.#meta[action]?.readOnly === true, this.options.retry ?? {}, opts.signal);
  }
}
