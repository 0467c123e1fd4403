// Bounds how long a download may take, however it trickles. The idle timeout alone lets a
// server send one byte a second forever and hold a worker; this fails a transfer that is
// slower than a minimum rate over a window, or not done by a deadline, by aborting a
// signal with a DownloadError whose reason becomes the image's FailedReason.
import { DownloadError } from './download-error.ts';

export interface PaceLimits {
  /** Below this average over a window (consecutive windows from the start), the download fails; 0 or absent turns it off. */
  minRateBytesPerS?: number;
  /** Length of each window the rate is measured over. */
  rateWindowMs?: number;
  /** The download fails if not done this long after it started; absent turns it off. */
  deadlineMs?: number;
}

export interface TransferPace {
  /** Aborted (reason: a DownloadError) when the pace is broken, or when the caller's signal is. */
  readonly signal: AbortSignal;
  /** Reports the bytes received so far. */
  progress(bytes: number): void;
  /** Stops the timers once the transfer is over. */
  stop(): void;
  /** A request to the server started / ended (only counted with `whileWaiting`). */
  waiting(): void;
  done(): void;
}

export interface PaceMode {
  /**
   * Judge the rate over time spent waiting on the server only (at least one request in
   * flight, told by waiting()/done()). A streaming import stops asking while its own
   * pipeline catches up; that time is ours, not a slow server's, and must not count.
   * Without it every moment from the start counts, as for a plain download.
   */
  whileWaiting?: boolean;
}

const DEFAULT_WINDOW_MS = 60_000;

export function startPace(limits: PaceLimits, outer?: AbortSignal, mode: PaceMode = {}): TransferPace {
  const controller = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  const fail = (reason: string) => {
    if (!controller.signal.aborted) controller.abort(new DownloadError(reason));
  };
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onOuterAbort, { once: true });

  let bytes = 0;
  const { minRateBytesPerS = 0, deadlineMs } = limits;
  if (deadlineMs !== undefined && deadlineMs > 0) {
    timers.push(setTimeout(() => fail(`import download did not finish within ${seconds(deadlineMs)} (KILN_IMPORT_DEADLINE_MS)`), deadlineMs));
  }
  const clock = new WaitClock();
  if (minRateBytesPerS > 0 && mode.whileWaiting) {
    const windowMs = limits.rateWindowMs ?? DEFAULT_WINDOW_MS;
    // Windows of waiting time, looked at four times a window so one is judged soon after
    // it fills. The brief gaps between one request and the next add no waiting time, so a
    // server cannot dodge the check by finishing a range in every window.
    let atWindowStart = 0;
    let waitedAtWindowStart = 0;
    timers.push(
      setInterval(
        () => {
          const waited = clock.total() - waitedAtWindowStart;
          if (waited < windowMs) return;
          // Judged like a plain download's window (the same reason, word for word); the
          // window may have run a little over, which only favours the server.
          const got = bytes - atWindowStart;
          atWindowStart = bytes;
          waitedAtWindowStart += waited;
          if (got < (minRateBytesPerS * windowMs) / 1000) {
            fail(
              `import download is too slow: ${got} bytes in ${seconds(windowMs)}, under the minimum of ${minRateBytesPerS} bytes/s (KILN_IMPORT_MIN_RATE_BYTES_PER_S)`,
            );
          }
        },
        Math.max(25, Math.floor(windowMs / 4)),
      ),
    );
  } else if (minRateBytesPerS > 0) {
    const windowMs = limits.rateWindowMs ?? DEFAULT_WINDOW_MS;
    const needed = (minRateBytesPerS * windowMs) / 1000;
    // Consecutive windows from the start: waiting for the response counts too, so a server
    // that holds back its headers is as slow as one that trickles its body.
    let atWindowStart = 0;
    timers.push(
      setInterval(() => {
        const got = bytes - atWindowStart;
        atWindowStart = bytes;
        if (got < needed) {
          fail(
            `import download is too slow: ${got} bytes in ${seconds(windowMs)}, under the minimum of ${minRateBytesPerS} bytes/s (KILN_IMPORT_MIN_RATE_BYTES_PER_S)`,
          );
        }
      }, windowMs),
    );
  }
  for (const t of timers) t.unref();
  return {
    signal: controller.signal,
    progress(n: number) {
      bytes = n;
    },
    stop() {
      for (const t of timers) clearTimeout(t);
      outer?.removeEventListener('abort', onOuterAbort);
    },
    waiting: () => clock.waiting(),
    done: () => clock.done(),
  };
}

/** Milliseconds during which at least one request was in flight. */
class WaitClock {
  private inFlight = 0;
  private since = 0;
  private past = 0;

  waiting(): void {
    if (this.inFlight++ === 0) this.since = performance.now();
  }

  done(): void {
    if (this.inFlight === 0) return;
    if (--this.inFlight === 0) this.past += performance.now() - this.since;
  }

  total(): number {
    return this.past + (this.inFlight > 0 ? performance.now() - this.since : 0);
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
