import { constants, inflateRawSync, inflateSync } from 'node:zlib';
import { DiskFormatError } from '../disk-reader.ts';

/**
 * Bounded decompression of one cluster/grain. The output can never exceed `maxOutput`
 * bytes, so a zip bomb costs at most that much. Any zlib failure becomes a DiskFormatError.
 * Sync flush tolerates input cut short at a sector boundary (qcow2 only knows the
 * compressed size to 512 bytes), as qemu does.
 *
 * Synchronous on purpose, for speed: a grain is at most a few hundred KiB and inflates in
 * tens of microseconds, while the callback API builds a stream object and a libuv pool
 * round trip per call. Measured over 6000 64 KiB grains: ~0.3 s of CPU here against ~0.9 s
 * with the async API, which streamOptimized VMDKs paid once per grain. The promise stays
 * so callers need not change.
 */
export async function inflateBounded(kind: 'raw' | 'zlib', input: Buffer, maxOutput: number, what: string): Promise<Buffer> {
  const opts = { maxOutputLength: maxOutput, finishFlush: constants.Z_SYNC_FLUSH };
  try {
    return kind === 'raw' ? inflateRawSync(input, opts) : inflateSync(input, opts);
  } catch (e) {
    throw new DiskFormatError(`${what} could not be decompressed (${(e as Error).message})`);
  }
}
