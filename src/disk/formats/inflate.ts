import { constants, inflate, inflateRaw } from 'node:zlib';
import { DiskFormatError } from '../disk-reader.ts';

/**
 * Bounded decompression on the libuv pool, so the grains of one read inflate in parallel.
 * The output can never exceed one cluster/grain, so a zip bomb costs at most `maxOutput`
 * bytes. Any zlib failure becomes a DiskFormatError. Sync flush tolerates input cut short
 * at a sector boundary (qcow2 only knows the compressed size to 512 bytes), as qemu does.
 */
export function inflateBounded(kind: 'raw' | 'zlib', input: Buffer, maxOutput: number, what: string): Promise<Buffer> {
  const opts = { maxOutputLength: maxOutput, finishFlush: constants.Z_SYNC_FLUSH };
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => {
      if (err) reject(new DiskFormatError(`${what} could not be decompressed (${err.message})`));
      else resolve(out);
    };
    if (kind === 'raw') inflateRaw(input, opts, done);
    else inflate(input, opts, done);
  });
}
