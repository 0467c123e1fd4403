import type { Hashing } from '../hashing.ts';

export const ZC_SIGNATURE_METHOD = 'ZC2-HMAC-SHA256';

/**
 * The canonical request of ZC2-HMAC-SHA256. The URI is always `/` and the method always
 * POST, whatever the request's path; the body hash is over the exact bytes sent.
 */
export function zcCanonicalRequest(contentType: string, host: string, bodySha256Hex: string): string {
  return `POST\n/\n\ncontent-type:${contentType}\nhost:${host}\n\ncontent-type;host\n${bodySha256Hex}`;
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
}

/** Hex HMAC-SHA256 of the string to sign, keyed by the AccessKeyPassword (no key derivation). */
export async function signZc(input: ZcSigningInput, hashing: Hashing): Promise<string> {
  const canonical = zcCanonicalRequest(input.contentType, input.host, await hashing.sha256Hex(input.body));
  return hashing.hmacSha256Hex(input.secret, zcStringToSign(input.timestamp, await hashing.sha256Hex(canonical)));
}

export function zcAuthorization(accessKeyId: string, signature: string): string {
  return `${ZC_SIGNATURE_METHOD} Credential=${accessKeyId}, SignedHeaders=content-type;host, Signature=${signature}`;
}
