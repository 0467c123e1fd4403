/** Full-jitter exponential backoff (the SDK's own rule): a random wait in [0, min(cap, base * 2^attempt)). */
export function backoffDelay(attempt: number, baseMs = 50, capMs = 20_000): number {
  return Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
