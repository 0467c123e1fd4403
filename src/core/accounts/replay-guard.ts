import type { SignatureReplays, SignatureVerdict } from '../ports/metadata-store.ts';

/** A verified request signature and what the request asks for. */
export interface SignedRequest {
  signature: string;
  action: string;
  /** The action changes state (from the action registry's readOnly flag). */
  changing: boolean;
  /** The signature covers X-ZC-Action (Kiln's own SDK lists it in SignedHeaders). */
  actionSigned: boolean;
}

/**
 * Keeps a captured Zenlayer request from acting twice or as another action, as far as a
 * scheme with whole-second timestamps, no nonce and (in the official SDKs) no signed
 * action allows. The rules, each against a legitimate pattern it must let through:
 * - a read repeats freely: the SDKs poll with one body many times a second;
 * - a changing action is served once per signature: a resend after it acted is refused;
 * - a signature serves an action it has not served yet only within `switchWindowMs` of
 *   its first sighting: one client sends a read and a change with the same body in the
 *   same second, while an attacker resends a captured request later.
 * When the action is signed, no other action can carry the signature, so reads need no
 * record at all. The record lives in the metadata store, so every API process shares it.
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
    private readonly opts: { windowSeconds: number; switchWindowMs: number },
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly marginMs = 60_000,
    private readonly pruneEveryMs = 60_000,
  ) {}

  get switchWindowMs(): number {
    return this.opts.switchWindowMs;
  }

  async check(r: SignedRequest): Promise<{ verdict: SignatureVerdict; firstSeenMsAgo?: number }> {
    if (r.actionSigned && !r.changing) return { verdict: 'accepted' };
    this.pruneNowAndThen();
    return this.replays.use({
      signature: r.signature,
      action: r.action,
      changing: r.changing,
      switchWindowMs: this.opts.switchWindowMs,
      ttlMs: 2 * this.opts.windowSeconds * 1000 + this.marginMs,
    });
  }

  /** Expired records are dropped in the background, at most once a minute per process. */
  private pruneNowAndThen(): void {
    const now = performance.now();
    if (now - this.lastPrune < this.pruneEveryMs) return;
    this.lastPrune = now;
    this.replays.prune().catch(this.onError);
  }
}
