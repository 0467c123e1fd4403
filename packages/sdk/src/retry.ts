import { ApiError, NetworkError } from './errors.ts';

export interface RetryOptions {
  /** Sends in all, the first included (default 4). */
  maxAttempts?: number;
  /** First backoff step (default 200 ms); each retry doubles it, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function backoff(attempt: number, o: RetryOptions): number {
  const cap = Math.min(o.maxDelayMs ?? 5_000, (o.baseDelayMs ?? 200) * 2 ** attempt);
  return Math.random() * cap;
}

/**
 * Runs `send` again after network errors and throttling, but only when `safe`: a create
 * that timed out may have happened, and sending it again could make two.
 */
export async function withRetries<T>(send: () => Promise<T>, safe: boolean, o: RetryOptions, signal?: AbortSignal): Promise<T> {
  const attempts = safe ? Math.max(1, o.maxAttempts ?? 4) : 1;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      const retryable = e instanceof NetworkError || (e instanceof ApiError && e.throttled);
      if (!retryable || attempt + 1 >= attempts || signal?.aborted) throw e;
      await sleep(backoff(attempt, o), signal);
    }
  }
}
