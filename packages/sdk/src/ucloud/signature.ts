import type { Hashing } from '../hashing.ts';

/**
 * What a UCloud signature hashes: every parameter but `Signature`, sorted by name in
 * plain code-unit order (`CPU` < `ChargeType`, `X.10` < `X.2`), as `name + value` with no
 * escaping, then the private key.
 */
export function ucloudSigningString(params: Readonly<Record<string, string>>, privateKey: string): string {
  const keys = Object.keys(params).filter((k) => k !== 'Signature');
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => k + params[k]).join('') + privateKey;
}

/** The lowercase hex SHA1 the server checks. */
export function signUCloud(params: Readonly<Record<string, string>>, privateKey: string, hashing: Hashing): Promise<string> {
  return hashing.sha1Hex(ucloudSigningString(params, privateKey));
}
