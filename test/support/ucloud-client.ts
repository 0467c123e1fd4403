/**
 * A UCloud API client for tests that encodes and signs the way the official SDKs do,
 * in each of their four wire encodings (PROTOCOLS.md, UCloud "Request"):
 *   get         GET with everything in the query string (doc examples, curl)
 *   form        POST x-www-form-urlencoded body (Python SDK)
 *   form+query  POST form body, Action in the query, empty strings dropped (Go SDK)
 *   json        POST flat JSON object with JSON-typed values (JS SDK)
 *
 * It deliberately does not import the service's protocol code: flattening, value
 * formatting and signing come from kiln-images-sdk, written from the vendor SDKs' documented
 * behaviour and tested against the documented vectors, so a bug on the server side
 * cannot be mirrored by the client and go unnoticed.
 */
import { createHash } from 'node:crypto';
import { flattenParams, ucloudSigningString, valueString, type Scalar } from 'kiln-images-sdk';
import { checkUCloudAnswer } from './answer-check.ts';

export type UCloudEncoding = 'get' | 'form' | 'form+query' | 'json';

export interface UCloudTestClientOptions {
  /** Service root, e.g. `http://127.0.0.1:3000` (the API lives at `/`). */
  baseUrl: string;
  publicKey: string;
  privateKey: string;
  /** Default encoding of call(); `form` (Python SDK) unless given. */
  encoding?: UCloudEncoding;
  /** Injected into every call that does not set Region itself, as the SDKs do. */
  region?: string;
  /** Injected into every call that does not set ProjectId itself, as the SDKs do. */
  projectId?: string;
  /** Check success answers against the action's declared schema (default true; false for servers that are not Kiln). */
  checkAnswers?: boolean;
}

export interface UCloudCallOptions {
  encoding?: UCloudEncoding;
  /** false: send no Signature at all (PublicKey is still sent). */
  sign?: boolean;
  /** Send this Signature instead of the computed one. */
  overrideSignature?: string;
}

/** A request ready to send, kept apart from sending so tests can decode it directly. */
export interface EncodedUCloudRequest {
  method: 'GET' | 'POST';
  /** Path plus query to append to baseUrl: `/` or `/?...`. */
  path: string;
  /** The raw query string without `?` ('' when none). */
  query: string;
  contentType: string | undefined;
  body: string | undefined;
  /** Every parameter sent, as the signed strings (Signature included when sent). */
  params: Record<string, string>;
}

export interface UCloudCallResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A flattened value as the SDK holds it before sending: JSON keeps this type. */
export type SdkScalar = Scalar;

/**
 * Flattens nested params with zero-based indexes: `{DataUDiskIds: ['a']}` gives
 * `DataUDiskIds.0`, `{Softwares: {Application: ['x']}}` gives `Softwares.Application.0`,
 * `{Disks: [{IsBoot: 'True'}]}` gives `Disks.0.IsBoot`. null/undefined are not sent.
 * (kiln-images-sdk's flattening: one implementation for the SDK and the tests.)
 */
export function flattenSdkParams(params: Record<string, unknown>): Map<string, SdkScalar> {
  return flattenParams(params);
}

/** The string an SDK signs (and form-encodes) for a value: `true`, `42` for 42.0. */
export function sdkString(value: SdkScalar): string {
  return valueString(value);
}

/**
 * The documented SHA1 signature, from kiln-images-sdk's signing string: written apart from
 * the service's version, and synchronous (node:crypto) so encode() stays synchronous.
 */
export function sdkSignature(params: Record<string, string>, privateKey: string): string {
  return createHash('sha1').update(ucloudSigningString(params, privateKey), 'utf8').digest('hex');
}

export class UCloudTestClient {
  readonly #opts: UCloudTestClientOptions;

  constructor(opts: UCloudTestClientOptions) {
    this.#opts = { ...opts, baseUrl: opts.baseUrl.replace(/\/+$/, '') };
  }

  /** Builds the request call() would send, without sending it. */
  encode(action: string, params: Record<string, unknown> = {}, opts: UCloudCallOptions = {}): EncodedUCloudRequest {
    const encoding = opts.encoding ?? this.#opts.encoding ?? 'form';
    const values = flattenSdkParams(params);
    values.set('Action', action);
    if (this.#opts.region !== undefined && !values.has('Region')) values.set('Region', this.#opts.region);
    if (this.#opts.projectId !== undefined && !values.has('ProjectId')) values.set('ProjectId', this.#opts.projectId);
    values.set('PublicKey', this.#opts.publicKey);
    if (encoding === 'form+query') {
      // The Go SDK leaves empty strings out of the request, and so out of the signature.
      for (const [key, value] of values) if (value === '') values.delete(key);
    }

    const strings: Record<string, string> = {};
    for (const [key, value] of values) strings[key] = sdkString(value);
    const signature = opts.overrideSignature ?? (opts.sign === false ? undefined : sdkSignature(strings, this.#opts.privateKey));
    if (signature !== undefined) {
      strings.Signature = signature;
      values.set('Signature', signature);
    }

    switch (encoding) {
      case 'get': {
        const query = new URLSearchParams(strings).toString();
        return { method: 'GET', path: `/?${query}`, query, contentType: undefined, body: undefined, params: strings };
      }
      case 'form':
        return {
          method: 'POST',
          path: '/',
          query: '',
          contentType: 'application/x-www-form-urlencoded',
          // URLSearchParams writes spaces as `+`, as Python's urlencode does.
          body: new URLSearchParams(strings).toString(),
          params: strings,
        };
      case 'form+query': {
        const query = new URLSearchParams({ Action: action }).toString();
        const rest = Object.entries(strings).filter(([key]) => key !== 'Action');
        return {
          method: 'POST',
          path: `/?${query}`,
          query,
          contentType: 'application/x-www-form-urlencoded',
          body: new URLSearchParams(rest).toString(),
          params: strings,
        };
      }
      case 'json':
        return {
          method: 'POST',
          path: '/',
          query: '',
          contentType: 'application/json',
          // Flat keys, values keep their JSON type (`"Limit":20`, `"Auth":true`).
          body: JSON.stringify(Object.fromEntries(values)),
          params: strings,
        };
    }
  }

  async call(action: string, params: Record<string, unknown> = {}, opts: UCloudCallOptions = {}): Promise<UCloudCallResult> {
    const request = this.encode(action, params, opts);
    const headers: Record<string, string> = {
      // Sent by the SDKs but not part of the signature.
      'U-Timestamp-Ms': String(Date.now()),
    };
    if (request.contentType !== undefined) headers['Content-Type'] = request.contentType;
    const response = await fetch(this.#opts.baseUrl + request.path, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`${action}: HTTP ${response.status} with a non-JSON body: ${text.slice(0, 200)}`);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new Error(`${action}: HTTP ${response.status} with a non-object JSON body: ${text.slice(0, 200)}`);
    }
    if (this.#opts.checkAnswers !== false) await checkUCloudAnswer(action, body as Record<string, unknown>);
    return { status: response.status, headers: response.headers, body: body as Record<string, unknown> };
  }
}
