import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Random, URL-safe ids with a resource prefix, e.g. `img-k3x9...`. */
export function newId(prefix: string, length = 12): string {
  const bytes = randomBytes(length);
  let out = prefix;
  // 256 % 36 leaves a small bias; acceptable for ids, which only need to be unguessable-ish and unique.
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
