import type { Hashing } from '../hashing.ts';

export const ZC_SIGNATURE_METHOD = 'ZC2-HMAC-SHA256';

/**
 * The canonical request of ZC2-HMAC-SHA256. The URI is always `/` and the method always
 * POST, whatever the request's path; the body hash is over the exact bytes sent. The
 * official SDKs sign `content-type;host` only; given `action`, X-ZC-Action is signed too,
 * as one more canonical header, so the signature is good for that action alone.
 */
export function zcCanonicalRequest(contentType: string, host: string, bodySha256Hex: string, action?: string): string {
  const actionLine = action === undefined ? '' : `x-zc-action:${action}\n`;
  return `POST\n/\n\ncontent-type:${contentType}\nhost:${host}\n${actionLine}\n${zcSignedHeaders(action !== undefined)}\n${bodySha256Hex}`;
}

/** The SignedHeaders list: the official SDKs' or, when the action is signed, Kiln's. */
export function zcSignedHeaders(actionSigned: boolean): string {
  return actionSigned ? 'content-type;host;x-zc-action' : 'content-type;host';
}

export function zcStringToSign(timestamp: string, canonicalSha256Hex: string): string {
  return `${ZC_SIGNATURE_METHOD}\n${timestamp}\n${canonicalSha256Hex}`;
}

export interface ZcSigningInput {
  secret: string;
  contentType: string;
  /** The Host header as sent, port included. */
  host: string;
  /** Unix seconds, as sent in X-ZC-Timestamp. */
  timestamp: string;
  body: string | Uint8Array;
  /** X-ZC-Action to sign as well (Kiln's servers verify it); omitted, the vendor SDKs' form. */
  action?: string;
}

/** Hex HMAC-SHA256 of the string to sign, keyed by the AccessKeyPassword (no key derivation). */
export async function signZc(input: ZcSigningInput, hashing: Hashing): Promise<string> {
  const canonical = zcCanonicalRequest(input.contentType, input.host, await hashing.sha256Hex(input.body), input.action);
  return hashing.hmacSha256Hex(input.secret, zcStringToSign(input.timestamp, await hashing.sha256Hex(canonical)));
}

export function zcAuthorization(accessKeyId: string, signature: string, actionSigned = false): string {
  return `${ZC_SIGNATURE_METHOD} Credential=${accessKeyId}, SignedHeaders=${zcSignedHeaders(actionSigned)}, Signature=${signature}`;
}
