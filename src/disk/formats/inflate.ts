import { constants, inflateRawSync, inflateSync } from 'node:zlib';
import { DiskFormatError } from '../disk-reader.ts';

/**
 * Bounded decompression: the output can never exceed one cluster/grain, so a zip bomb
 * costs at most `maxOutput` bytes. Any zlib failure becomes a DiskFormatError.
 * Sync flush tolerates input cut short at a sector boundary (qcow2 only knows the
 * compressed size to 512 bytes), as qemu does.
 */
export function inflateBounded(kind: 'raw' | 'zlib', input: Buffer, maxOutput: number, what: string): Buffer {
  const opts = { maxOutputLength: maxOutput, finishFlush: constants.Z_SYNC_FLUSH };
  try {
    return kind === 'raw' ? inflateRawSync(input, opts) : inflateSync(input, opts);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new DiskFormatError(`${what} could not be decompressed (${reason})`);
  }
}
