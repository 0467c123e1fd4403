import { ImageFailedError, type ImageProgress } from 'kiln-images-sdk';
import type { ProductImages } from './products.ts';
import { progress, type Progress } from './progress.ts';

/** The waiter's readings drawn on a bar: the step, bytes, rate, and the final size and average. */
export function imageReadings(bar: Progress): (p: ImageProgress) => void {
  let last: { done: number; total: number | null } | undefined;
  return (p) => {
    const phase =
      p.phase !== undefined && p.phaseIndex !== undefined && p.phaseCount !== undefined
        ? { name: p.phase, index: p.phaseIndex, count: p.phaseCount }
        : undefined;
    const rate = p.bytesPerSecond !== undefined ? { rate: p.bytesPerSecond } : {};
    if (p.state === 'available') {
      // The image's real size and the job's average rate, even when it ended between
      // two polls; a server without counts leaves the last one seen, done.
      const total = p.totalBytes ?? last?.total ?? null;
      bar.show({ done: total ?? 0, total, state: 'Available', final: true, ...rate });
    } else if (p.state === 'making' && p.doneBytes !== undefined) {
      last = { done: p.doneBytes, total: p.totalBytes ?? null };
      bar.show({ done: p.doneBytes, total: p.totalBytes ?? null, state: 'Making', ...rate, ...(phase ? { phase } : {}) });
    } else if (p.state === 'making') {
      bar.show({ done: 0, total: null, state: 'Making' });
    }
  };
}

/**
 * How `--wait` polls: the SDK's waiter (pauses of a quarter of the time waited, from its
 * 100 ms), at most 2 s apart so a long job's end shows within 2 s. The overlay-capture
 * bench waits the same way.
 */
export const CLI_IMAGE_WAIT = { maxIntervalMs: 2_000, timeoutMs: 24 * 3600_000 } as const;

/**
 * Waits for an image with a progress bar (bytes, rate, ETA). Ctrl-C stops waiting only:
 * the job goes on in the server, and `kiln images wait ID` picks it up again.
 */
export async function waitWithProgress(images: ProductImages, id: string, signal: AbortSignal): Promise<ImageProgress> {
  const bar = progress(id);
  try {
    return await images.wait(id, { ...CLI_IMAGE_WAIT, signal, onProgress: imageReadings(bar) });
  } finally {
    bar.stop();
  }
}

export function failedReason(e: unknown): string | undefined {
  return e instanceof ImageFailedError ? e.reason || 'no reason given' : undefined;
}
