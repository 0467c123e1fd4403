/**
 * The Zenlayer Cloud API 2.0 request signature, ZC2-HMAC-SHA256 (PROTOCOLS.md, "Signature
 * (ZC2-HMAC-SHA256)"). Everything is computed over what the client sent: the raw body
 * bytes (Python SDKs send `", "` spacing, Go compact JSON) and the Content-Type and Host
 * header values byte for byte. Re-serialising or normalising any of them breaks real clients.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ZC_SIGNATURE_METHOD = 'ZC2-HMAC-SHA256';
/** What the official SDKs sign. */
const VENDOR_SIGNED_HEADERS = 'content-type;host';
/** What Kiln's own SDK signs: the action too, so a signature serves one action only. */
const ACTION_SIGNED_HEADERS = 'content-type;host;x-zc-action';

export interface ZcSignedParts {
  contentType: string;
  /** The Host header as sent, port included (`127.0.0.1:8480`). */
  host: string;
  /** X-ZC-Timestamp as sent (unix seconds, decimal). */
  timestamp: string;
  body: Buffer;
  /** X-ZC-Action as sent, when the signature covers it (SignedHeaders lists x-zc-action). */
  action?: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The canonical URI is always `/` and the query empty, whatever the request path: the
 * SDKs sign that way, so the service path `/api/v2/zec` is not part of the signature.
 * A signed action is one more canonical header, in the same `name:value` form.
 */
export function zcCanonicalRequest(parts: Omit<ZcSignedParts, 'timestamp'>): string {
  const action = parts.action === undefined ? '' : `x-zc-action:${parts.action}\n`;
  return (
    'POST\n/\n\n' +
    `content-type:${parts.contentType}\n` +
    `host:${parts.host}\n` +
    action +
    '\n' +
    `${parts.action === undefined ? VENDOR_SIGNED_HEADERS : ACTION_SIGNED_HEADERS}\n` +
    sha256Hex(parts.body)
  );
}

export function zcStringToSign(parts: ZcSignedParts): string {
  return `${ZC_SIGNATURE_METHOD}\n${parts.timestamp}\n${sha256Hex(zcCanonicalRequest(parts))}`;
}

/** Lowercase hex HMAC-SHA256 keyed directly with the AccessKeyPassword (no key derivation). */
export function zcSignature(parts: ZcSignedParts, accessKeyPassword: string): string {
  return createHmac('sha256', accessKeyPassword).update(zcStringToSign(parts), 'utf8').digest('hex');
}

/** Checks a signature without revealing, through timing, how much of it matched. */
export function verifyZcSignature(parts: ZcSignedParts, accessKeyPassword: string, signature: string): boolean {
  const expected = Buffer.from(zcSignature(parts, accessKeyPassword), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length) {
    // timingSafeEqual throws on unequal lengths; doing the same work anyway keeps a
    // wrong-length guess as costly as a right-length one. The length (64) is public.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, given);
}

export interface ZcAuthorization {
  credential: string;
  /** SignedHeaders lists x-zc-action: the signature covers the action. */
  actionSigned: boolean;
  signature: string;
}

/**
 * Parses `ZC2-HMAC-SHA256 Credential=<id>, SignedHeaders=content-type;host, Signature=<hex>`.
 * Returns undefined when the header is not in that form. SignedHeaders is
 * `content-type;host` (the official SDKs) or `content-type;host;x-zc-action` (Kiln's SDK):
 * the only sets zcCanonicalRequest knows how to rebuild.
 */
export function parseZcAuthorization(header: string): ZcAuthorization | undefined {
  const prefix = `${ZC_SIGNATURE_METHOD} `;
  if (!header.startsWith(prefix)) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.slice(prefix.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signature) return undefined;
  if (signedHeaders !== VENDOR_SIGNED_HEADERS && signedHeaders !== ACTION_SIGNED_HEADERS) return undefined;
  return { credential, actionSigned: signedHeaders === ACTION_SIGNED_HEADERS, signature };
}
