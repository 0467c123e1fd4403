import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The per-account bound on upload bytes per second (KILN_UPLOAD_MAX_BYTES_PER_S). An upload
 * over the bound is slowed, never refused: the PATCH body is read no faster than the bound,
 * so TCP flow control holds the client back and no byte waits in our memory. The schedule
 * is shared by every PATCH of one account in this process (two PATCHes at once get half
 * each); it is not shared between processes, so N servers behind a balancer allow N times
 * the bound.
 */
export class UploadRate {
  /** Per account, the moment (performance.now()) by which every byte read so far is paid for. */
  private readonly paidUntil = new Map<string, number>();
  /** Largest piece read at once: a quarter second of the bound, so no single wait is long. */
  private readonly pieceBytes: number;

  constructor(private readonly bytesPerS: number) {
    this.pieceBytes = Math.max(1, Math.floor(bytesPerS / 4));
  }

  /**
   * `body`, read no faster than the bound for `accountId`. Each piece is charged before it is
   * handed on, and handed on only once paid for, so B bytes take at least B / bound seconds.
   * `afterWait` runs after each wait: the pause is ours, and must not look like a stalled
   * client to the idle timeout.
   */
  async *paced(accountId: string, body: AsyncIterable<Buffer>, afterWait: () => void): AsyncGenerator<Buffer> {
    for await (const chunk of body) {
      for (let at = 0; at < chunk.length; at += this.pieceBytes) {
        const piece = chunk.subarray(at, at + this.pieceBytes);
        const now = performance.now();
        const paid = Math.max(this.paidUntil.get(accountId) ?? now, now) + (piece.length * 1000) / this.bytesPerS;
        this.paidUntil.set(accountId, paid);
        await sleep(paid - now);
        // Nobody charged after us: the account is idle once this is paid, and needs no entry.
        if (this.paidUntil.get(accountId) === paid) this.paidUntil.delete(accountId);
        afterWait();
        yield piece;
      }
    }
  }
}
