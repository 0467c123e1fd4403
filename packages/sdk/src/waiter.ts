import { ImageFailedError, WaitTimeoutError } from './errors.ts';
import { sleep } from './retry.ts';

/** Where the making of an image stands, as every product's waiter reports it. */
export interface ImageProgress {
  imageId: string;
  state: 'making' | 'available' | 'failed';
  failedReason: string;
  /** Work done and to do, in bytes, when the server reports them (Kiln's progress endpoint). */
  doneBytes?: number;
  totalBytes?: number;
  /** Percent 0-100, when known. */
  percent?: number;
}

export interface WaitOptions {
  onProgress?: (p: ImageProgress) => void;
  /** Stops waiting (rejects with the signal's reason); the image's job goes on. */
  signal?: AbortSignal;
  /** Default 30 minutes. */
  timeoutMs?: number;
  /** First poll interval (default 500 ms); it grows by half each poll up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
}

/**
 * Polls `read` with backoff until the image is available (resolves) or failed (rejects
 * with ImageFailedError carrying FailedReason), reporting every reading.
 */
export async function pollImage(read: (signal?: AbortSignal) => Promise<ImageProgress>, o: WaitOptions = {}): Promise<ImageProgress> {
  const deadline = Date.now() + (o.timeoutMs ?? 30 * 60_000);
  let interval = o.intervalMs ?? 500;
  for (;;) {
    const p = await read(o.signal);
    o.onProgress?.(p);
    if (p.state === 'available') return p;
    if (p.state === 'failed') throw new ImageFailedError(p.imageId, p.failedReason);
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(`image ${p.imageId} still making after ${o.timeoutMs ?? 30 * 60_000} ms`);
    await sleep(Math.min(interval, left), o.signal);
    interval = Math.min(interval * 1.5, o.maxIntervalMs ?? 5_000);
  }
}
