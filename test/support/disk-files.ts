import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { guestSize, guestViewsDiffer, guestWrite, isQcow2, withGuestView } from './guest-disk.ts';

/** A deterministic pseudo-random block, so test data is reproducible and not compressible. */
export function patternBlock(seed: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(length / 4) * 4);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  return out.subarray(0, length);
}

/** Creates a sparse file of `size` with pattern data written at the given offsets. */
export async function writeSparseDisk(path: string, size: number, writes: { offset: number; length: number; seed: number }[]): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.truncate(size);
    for (const w of writes) await fh.write(patternBlock(w.seed, w.length), 0, w.length, w.offset);
  } finally {
    await fh.close();
  }
}

/** Overwrites bytes of an existing disk as a guest would (qemu-io into an instance's overlay). */
export async function writeAt(path: string, offset: number, data: Buffer): Promise<void> {
  await guestWrite(path, offset, data);
}

/** SHA-256 of a file, or of an instance disk's guest view. */
export async function sha256File(path: string): Promise<string> {
  return withGuestView(path, sha256Plain);
}

async function sha256Plain(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Fails unless the two files hold the same bytes and have the same size, naming the first
 * 4 MiB block that differs (an instance disk that is an overlay: its guest view, compared by
 * qemu-img, naming where they first differ). A plain comparison of large reads: hashing both files cost
 * SHA-256 of every byte (holes included), and GNU cmp's small reads of holes cost far
 * more kernel time than these (10 s against 1.5 s for a 4 GiB sparse file here).
 */
export async function assertSameBytes(actual: string, expected: string, message?: string): Promise<void> {
  if (!(await isQcow2(actual)) && !(await isQcow2(expected))) return samePlainBytes(actual, expected, message, actual, expected);
  const fail = (why: string) => new Error(`${message ? `${message}: ` : ''}${actual} and ${expected} differ (${why})`);
  const [sa, sb] = await Promise.all([guestSize(actual), guestSize(expected)]);
  if (sa !== sb) throw fail(`${sa} bytes against ${sb}`);
  const at = await guestViewsDiffer(actual, expected);
  if (at >= 0) throw fail(`from offset ${at}`);
}

async function samePlainBytes(actualRaw: string, expectedRaw: string, message: string | undefined, actual: string, expected: string): Promise<void> {
  const [a, b] = await Promise.all([open(actualRaw, 'r'), open(expectedRaw, 'r')]);
  const fail = (why: string) => new Error(`${message ? `${message}: ` : ''}${actual} and ${expected} differ (${why})`);
  try {
    const [sa, sb] = await Promise.all([a.stat(), b.stat()]);
    if (sa.size !== sb.size) throw fail(`${sa.size} bytes against ${sb.size}`);
    const block = 4 * 1024 * 1024;
    const ba = Buffer.allocUnsafe(block);
    const bb = Buffer.allocUnsafe(block);
    for (let at = 0; at < sa.size; at += block) {
      const n = Math.min(block, sa.size - at);
      const [ra, rb] = await Promise.all([a.read(ba, 0, n, at), b.read(bb, 0, n, at)]);
      if (ra.bytesRead !== n || rb.bytesRead !== n) throw fail(`short read at ${at}`);
      if (!ba.subarray(0, n).equals(bb.subarray(0, n))) throw fail(`in the ${n} bytes from offset ${at}`);
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}
