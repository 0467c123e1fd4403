/**
 * The one platform seam of the SDK: the hashes the two signatures need. The default is
 * WebCrypto (`globalThis.crypto.subtle`), present in Node 20+ and every modern browser;
 * pass another implementation (e.g. one on node:crypto) through the clients' `hashing`.
 */
export interface Hashing {
  sha1Hex(text: string): Promise<string>;
  sha256Hex(data: string | Uint8Array): Promise<string>;
  hmacSha256Hex(key: string, text: string): Promise<string>;
}

const utf8 = new TextEncoder();

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** WebCrypto takes only ArrayBuffer-backed views; a copy also covers SharedArrayBuffer views. */
function bytes(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof data === 'string' ? utf8.encode(data) : new Uint8Array(data);
}

export const webCryptoHashing: Hashing = {
  async sha1Hex(text) {
    return hex(await crypto.subtle.digest('SHA-1', bytes(text)));
  },
  async sha256Hex(data) {
    return hex(await crypto.subtle.digest('SHA-256', bytes(data)));
  },
  async hmacSha256Hex(key, text) {
    const k = await crypto.subtle.importKey('raw', bytes(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return hex(await crypto.subtle.sign('HMAC', k, bytes(text)));
  },
};
