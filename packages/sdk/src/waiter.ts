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
  /**
   * The shortest pause between two polls (default 100 ms). Past that a pause is a quarter
   * of the time waited so far, up to maxIntervalMs (default 5 s): the wait ends at most a
   * quarter later than the image became Available (or one maxIntervalMs for long jobs),
   * whether the job takes a second or an hour.
   */
  intervalMs?: number;
  maxIntervalMs?: number;
}

/** The pause before the next poll, `waitedMs` into a wait (see WaitOptions.intervalMs). */
export function nextPollDelay(waitedMs: number, o: Pick<WaitOptions, 'intervalMs' | 'maxIntervalMs'> = {}): number {
  const floor = o.intervalMs ?? 100;
  return Math.max(floor, Math.min(waitedMs / 4, o.maxIntervalMs ?? 5_000));
}

/**
 * Polls `read` (pauses growing with the time waited) until the image is available (resolves) or failed (rejects
 * with ImageFailedError carrying FailedReason), reporting every reading.
 */
export async function pollImage(read: (signal?: AbortSignal) => Promise<ImageProgress>, o: WaitOptions = {}): Promise<ImageProgress> {
  const started = Date.now();
  const deadline = started + (o.timeoutMs ?? 30 * 60_000);
  const rates = new PhaseRates();
  for (;;) {
    const p = rates.with(await read(o.signal));
    o.onProgress?.(p);
    if (p.state === 'available') return p;
    if (p.state === 'failed') throw new ImageFailedError(p.imageId, p.failedReason);
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(`image ${p.imageId} still making after ${o.timeoutMs ?? 30 * 60_000} ms`);
    // Pauses growing by a fixed factor per poll overshoot the end by up to that factor
    // less one of the whole wait (half of it at 1.5x): a capture of a few changed chunks
    // done in 0.35 s was seen at 0.75 s. Tied to the time waited, the overshoot stays a
    // quarter of it for short and long jobs alike.
    await sleep(Math.min(nextPollDelay(Date.now() - started, o), left), o.signal);
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
