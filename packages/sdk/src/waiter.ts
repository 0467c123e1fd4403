import { ImageFailedError, WaitTimeoutError } from './errors.ts';
import { MovingRate } from './moving-rate.ts';
import { sleep } from './retry.ts';

/** Where the making of an image stands, as every product's waiter reports it. */
export interface ImageProgress {
  imageId: string;
  state: 'making' | 'available' | 'failed';
  failedReason: string;
  /**
   * For work done in steps, the step the byte counts are of: an import from a server
   * without ranges is `download` (1 of 2), then `convert` (2 of 2), each counted from 0.
   * Absent for one-step work.
   */
  phase?: string;
  phaseIndex?: number;
  phaseCount?: number;
  /**
   * Work done and to do, in bytes, when the server reports them (Kiln's progress
   * endpoint). `totalBytes` is absent while unknown (a download of unannounced size). On
   * the Available reading they are the image's real size, even when the job ended
   * between two polls.
   */
  doneBytes?: number;
  totalBytes?: number;
  /** Percent 0-100 of the whole job (phases included), when known. */
  percent?: number;
  /**
   * Bytes per second over the last ~10 s of readings in this phase (from the second
   * reading on); on the Available reading, the job's average over its whole time.
   */
  bytesPerSecond?: number;
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
  const rates = new PhaseRates();
  for (;;) {
    const p = rates.with(await read(o.signal));
    o.onProgress?.(p);
    if (p.state === 'available') return p;
    if (p.state === 'failed') throw new ImageFailedError(p.imageId, p.failedReason);
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(`image ${p.imageId} still making after ${o.timeoutMs ?? 30 * 60_000} ms`);
    await sleep(Math.min(interval, left), o.signal);
    interval = Math.min(interval * 1.5, o.maxIntervalMs ?? 5_000);
  }
}

/** A moving-window rate per phase: a new phase counts from 0 and starts a new estimate. */
class PhaseRates {
  #phase: string | undefined;
  #rate = new MovingRate();

  with(p: ImageProgress): ImageProgress {
    if (p.state !== 'making' || p.doneBytes === undefined || p.bytesPerSecond !== undefined) return p;
    const phase = `${p.phase ?? ''}/${p.phaseIndex ?? 0}`;
    if (phase !== this.#phase) {
      this.#phase = phase;
      this.#rate = new MovingRate();
    }
    const rate = this.#rate.add(p.doneBytes);
    return rate === undefined ? p : { ...p, bytesPerSecond: rate };
  }
}
