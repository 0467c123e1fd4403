/**
 * Reused buffers for the compressed bytes of one cluster or grain: read, inflated, given
 * back. A streamOptimized VMDK has one per 64 KiB of disk, and a fresh buffer for each
 * was garbage for the collector (with the inflate's own, 3.0 s of GC for 4 GiB).
 */
export class ScratchBuffers {
  private readonly free: Buffer[] = [];

  /** Buffers kept at most: as many as reads in flight at once. */
  constructor(private readonly keep: number) {}

  /** A buffer of exactly `length` bytes (a view of a kept one when one is large enough). */
  take(length: number): Buffer {
    const kept = this.free.pop();
    return kept && kept.length >= length ? kept.subarray(0, length) : Buffer.allocUnsafeSlow(length);
  }

  /** Gives back what take() returned; nothing may use it afterwards. */
  give(buf: Buffer): void {
    if (this.free.length < this.keep) this.free.push(Buffer.from(buf.buffer, buf.byteOffset, buf.buffer.byteLength - buf.byteOffset));
  }
}
