import { ImageFailedError, type ImageProgress } from 'kiln-images-sdk';
import type { ProductImages } from './products.ts';
import { progress } from './progress.ts';

/**
 * Waits for an image with a progress bar (bytes, rate, ETA). Ctrl-C stops waiting only:
 * the job goes on in the server, and `kiln images wait ID` picks it up again.
 */
export async function waitWithProgress(images: ProductImages, id: string, signal: AbortSignal): Promise<ImageProgress> {
  const bar = progress(id);
  let total = 0;
  try {
    return await images.wait(id, {
      signal,
      intervalMs: 300,
      maxIntervalMs: 2_000,
      timeoutMs: 24 * 3600_000,
      onProgress: (p) => {
        if (p.totalBytes !== undefined && p.totalBytes > 0) {
          total = p.totalBytes;
          bar.update(p.doneBytes ?? 0, total, 'Making');
        } else if (p.state === 'available') {
          // The last count seen, completed: an image is available once all its work is done.
          bar.update(total, total, 'Available');
        } else if (p.percent !== undefined) {
          bar.update(p.percent, 100, 'Making');
        } else if (p.state === 'making') {
          bar.update(0, 0, 'Making');
        }
      },
    });
  } finally {
    bar.stop();
  }
}

export function failedReason(e: unknown): string | undefined {
  return e instanceof ImageFailedError ? e.reason || 'no reason given' : undefined;
}
