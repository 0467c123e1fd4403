import { keyAlgorithm, keyDigest, type KeyAlgorithm } from '../../core/chunks/content-key.ts';

/**
 * A manifest's chunk list as the bytes of the `manifests.chunks` column.
 *
 * Two layouts, told apart by length alone:
 *  - 32 bytes per chunk, the SHA-256 digest; 32 zero bytes mark a hole. The length is a
 *    multiple of 32. Every manifest written before chunks were named by BLAKE3 is this,
 *    and a manifest whose chunks are all SHA-256 keys is still written so (a copy of an
 *    old image stays readable by the Kiln that wrote the original).
 *  - a version byte (1), then 33 bytes per chunk: the algorithm (0 hole, 1 SHA-256,
 *    2 BLAKE3) and the 32-byte digest, then zero bytes up to a length of 32k + 1. The
 *    length is never a multiple of 32, and padding is shorter than an entry. A manifest
 *    may mix algorithms (an image made from an old one may keep some of its chunks).
 */
const DIGEST = 32;
const ENTRY = DIGEST + 1;
const TAGGED = 1;
const TAG: Record<KeyAlgorithm, number> = { sha256: 1, blake3: 2 };
const PREFIX: Record<number, string> = { 1: '', 2: 'b3:' };
const HOLE = Buffer.alloc(DIGEST);

export function encodeChunks(chunks: (string | null)[]): Buffer {
  if (chunks.every((c) => c === null || keyAlgorithm(c) === 'sha256')) {
    const out = Buffer.alloc(chunks.length * DIGEST);
    chunks.forEach((c, i) => {
      if (c !== null) out.write(c, i * DIGEST, 'hex');
    });
    return out;
  }
  const n = chunks.length;
  const out = Buffer.alloc(1 + n * ENTRY + ((DIGEST - (n % DIGEST)) % DIGEST));
  out[0] = TAGGED;
  chunks.forEach((c, i) => {
    if (c === null) return;
    out[1 + i * ENTRY] = TAG[keyAlgorithm(c)];
    out.write(keyDigest(c), 2 + i * ENTRY, 'hex');
  });
  return out;
}

export function decodeChunks(buf: Buffer): (string | null)[] {
  const out: (string | null)[] = [];
  if (buf.length % DIGEST === 0) {
    for (let off = 0; off < buf.length; off += DIGEST) {
      const digest = buf.subarray(off, off + DIGEST);
      out.push(digest.equals(HOLE) ? null : digest.toString('hex'));
    }
    return out;
  }
  if (buf.length % DIGEST !== 1 || buf[0] !== TAGGED) throw new Error(`manifest of ${buf.length} bytes is in no layout this version knows`);
  const n = Math.floor((buf.length - 1) / ENTRY);
  for (let i = 0; i < n; i++) {
    const tag = buf[1 + i * ENTRY]!;
    if (tag === 0) {
      out.push(null);
      continue;
    }
    const prefix = PREFIX[tag];
    if (prefix === undefined) throw new Error(`manifest chunk ${i} has unknown algorithm ${tag}`);
    out.push(prefix + buf.toString('hex', 2 + i * ENTRY, 1 + (i + 1) * ENTRY));
  }
  return out;
}
