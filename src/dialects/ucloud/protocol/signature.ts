/**
 * The UCloud request signature (`Signature` parameter): SHA1 over the sorted, flattened
 * parameters with the PrivateKey appended. See PROTOCOLS.md, "Signature (SHA1)".
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Computes the signature a UCloud SDK would send for `params` (flat keys, string values,
 * `PublicKey` included). `Signature` itself is never signed, so it is skipped if present.
 */
export function ucloudSignature(params: Readonly<Record<string, string>>, privateKey: string): string {
  // Array#sort without a comparator orders by UTF-16 code units, which is the "plain"
  // order the SDKs use (`CPU` < `ChargeType`, `X.10` < `X.2`). Python and Go sort by code
  // point / UTF-8 bytes instead; the two only differ for astral characters, which never
  // appear in parameter names.
  const keys = Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort();
  // Values are concatenated as-is: no URL escaping, per the docs. One string, hashed in
  // one call: an update per key and value cost more than the hashing (measured).
  let text = '';
  for (const key of keys) text += key + (params[key] ?? '');
  return createHash('sha1')
    .update(text + privateKey, 'utf8')
    .digest('hex');
}

/**
 * Checks `signature` against the one computed from `params` without leaking, through
 * timing, how many leading characters matched.
 */
export function verifyUCloudSignature(params: Readonly<Record<string, string>>, privateKey: string, signature: string): boolean {
  const expected = Buffer.from(ucloudSignature(params, privateKey), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length) {
    // timingSafeEqual throws on unequal lengths. Compare expected with itself anyway so a
    // wrong-length signature costs the same work as a right-length one; the only thing
    // revealed is the length, which is public (40 hex characters).
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, given);
}
