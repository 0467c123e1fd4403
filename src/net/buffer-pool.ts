/**
 * Reusable buffers for the bytes of fetched ranges, for import speed. Socket pieces are copied
 * into one of these as they arrive, so each piece dies young and the garbage collector
 * frees it cheaply, while the buffers themselves are allocated once per import rather
 * than once per range. Without this, pieces held in read-ahead were promoted to the old
 * generation and their memory was only freed by full collections.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  /**
   * @param size bytes per pooled buffer (the largest range requested)
   * @param keep buffers kept for reuse at most (what the memory budget can hold)
   */
  constructor(
    readonly size: number,
    private readonly keep: number,
  ) {}

  /**
   * A buffer for `length` bytes. Pooled when the range is over half the pooled size, so
   * memory held stays within twice what the caller accounts for; smaller ranges (metadata
   * reads) get a buffer of their own size.
   */
  take(length: number): { bytes: Buffer; pooled: ArrayBuffer | undefined } {
    if (length > this.size || length * 2 <= this.size) return { bytes: Buffer.allocUnsafeSlow(length), pooled: undefined };
    const ab = this.free.pop() ?? new ArrayBuffer(this.size);
    return { bytes: Buffer.from(ab, 0, length), pooled: ab };
  }

  /** Gives a pooled buffer back; nothing may read or write it afterwards. */
  give(ab: ArrayBuffer): void {
    if (this.free.length < this.keep) this.free.push(ab);
  }

  clear(): void {
    this.free.length = 0;
  }
}
