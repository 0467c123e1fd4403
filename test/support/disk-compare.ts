import { open } from 'node:fs/promises';
import { guestSize, guestViewsDiffer, isQcow2, virtualSize } from './guest-disk.ts';

/**
 * Whether `diskPath` holds exactly the bytes of `imagePath` followed by zeros to its end
 * (a disk larger than its image), compared byte for byte; returns the first differing
 * offset, or -1 when they match. An instance disk is compared as its guest sees it.
 */
export async function firstDifference(diskPath: string, imagePath: string): Promise<number> {
  if (!(await isQcow2(diskPath))) return firstPlainDifference(diskPath, imagePath);
  const [size, imageSize] = await Promise.all([virtualSize(diskPath), guestSize(imagePath)]);
  if (size < imageSize) return size;
  // qemu-img reads past the image's end as zeros, which is what a disk larger than its image must hold there.
  return guestViewsDiffer(diskPath, imagePath);
}

async function firstPlainDifference(diskPath: string, imagePath: string): Promise<number> {
  const disk = await open(diskPath, 'r');
  const image = await open(imagePath, 'r');
  try {
    const size = (await disk.stat()).size;
    const imageSize = (await image.stat()).size;
    if (size < imageSize) return size;
    const step = 4 * 1024 * 1024;
    const a = Buffer.alloc(step);
    const b = Buffer.alloc(step);
    for (let off = 0; off < size; off += step) {
      const n = Math.min(step, size - off);
      await disk.read(a, 0, n, off);
      b.fill(0);
      if (off < imageSize) await image.read(b, 0, Math.min(n, imageSize - off), off);
      if (!a.subarray(0, n).equals(b.subarray(0, n))) {
        for (let i = 0; i < n; i++) if (a[i] !== b[i]) return off + i;
      }
    }
    return -1;
  } finally {
    await disk.close();
    await image.close();
  }
}
