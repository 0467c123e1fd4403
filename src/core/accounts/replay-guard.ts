import type { SignatureReplays } from '../ports/metadata-store.ts';

/**
 * Accepts each request signature once while it could pass the timestamp check. Zenlayer's
 * signature covers the body, Content-Type, Host and timestamp but not X-ZC-Action, so a
 * request seen once (a log, a proxy) could otherwise be replayed within the window as a
 * different action. The record lives in the metadata store, so every API process shares it.
 */
export class ReplayGuard {
  private lastPrune = 0;

  /**
   * `windowSeconds` is how far a timestamp may be from the server clock either way: a
   * signature can pass for up to twice that after it is first seen. `marginMs` covers API
   * hosts whose clocks differ from each other's.
   */
  constructor(
    private readonly replays: SignatureReplays,
    private readonly windowSeconds: number,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly marginMs = 60_000,
    private readonly pruneEveryMs = 60_000,
  ) {}

  /** True the first time a signature is seen; false for a replay. */
  async firstUse(signature: string): Promise<boolean> {
    this.pruneNowAndThen();
    return this.replays.firstUse(signature, 2 * this.windowSeconds * 1000 + this.marginMs);
  }

  /** Expired records are dropped in the background, at most once a minute per process. */
  private pruneNowAndThen(): void {
    const now = performance.now();
    if (now - this.lastPrune < this.pruneEveryMs) return;
    this.lastPrune = now;
    this.replays.prune().catch(this.onError);
  }
}
