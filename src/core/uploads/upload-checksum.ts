import { createHash } from 'node:crypto';
import { KilnError } from '../errors.ts';

/** The whole-file checksum a client declares when it creates an upload: `sha256:<64 hex>`. */
export function parseChecksum(text: string): string {
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(text.trim());
  if (!m) throw new KilnError('InvalidParameter', 'checksum must be sha256:<64 hex digits>, the SHA-256 of the whole file');
  return `sha256:${m[1]!.toLowerCase()}`;
}

/**
 * Hashes the file's bytes in order and compares with the declared checksum. Returns the
 * reason the upload is refused, naming both checksums, or undefined when they match.
 */
export async function checksumProblem(declared: string, bytes: AsyncIterable<Buffer>, onBytes?: (done: number) => void): Promise<string | undefined> {
  const hash = createHash('sha256');
  let done = 0;
  for await (const b of bytes) {
    hash.update(b);
    done += b.length;
    onBytes?.(done);
  }
  const actual = `sha256:${hash.digest('hex')}`;
  return actual === declared
    ? undefined
    : `the uploaded file's checksum is ${actual}, but the upload declared ${declared}: the file changed or was damaged on the way`;
}
