/**
 * A range of the remote file held in memory: queued, being fetched, or ready. Its bytes
 * are pieces: the ones the socket delivered (the probe's head), or one buffer the range
 * was fetched into. A read copies straight from them into the reader's buffer.
 */
export class Segment {
  state: 'queued' | 'fetching' | 'ready' = 'queued';
  /** Reads currently copying out of (or waiting for) this segment: never evicted then. */
  pins = 0;
  /** Bytes read out so far; a segment read to its length is dropped at once. */
  consumed = 0;
  /** When it was last read (a counter, not a clock); 0 if never. */
  lastRead = 0;
  /** The pooled buffer its bytes are fetched into, if any: given back when it is dropped. */
  pooled: ArrayBuffer | undefined;
  readonly done: Promise<void>;
  private pieces: Buffer[] = [];
  private starts: number[] = [];
  private settle!: { resolve: () => void; reject: (e: unknown) => void };

  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Readers observe failures through `done`; a failed prefetch nobody waits for is no crash.
    this.done.catch(() => undefined);
  }

  get length(): number {
    return this.end - this.start;
  }

  fill(pieces: Buffer[]): void {
    let at = this.start;
    for (const p of pieces) {
      this.starts.push(at);
      at += p.length;
    }
    if (at !== this.end) throw new Error(`segment ${this.start}-${this.end} filled with ${at - this.start} bytes`);
    this.pieces = pieces;
    this.state = 'ready';
    this.settle.resolve();
  }

  fail(e: unknown): void {
    this.settle.reject(e);
  }

  /** Copies file bytes `[from, to)` (inside this ready segment) into `buf` at `bufOffset`. */
  copyTo(buf: Buffer, bufOffset: number, from: number, to: number): void {
    let i = this.pieceAt(from);
    let pos = from;
    let out = bufOffset;
    while (pos < to) {
      const piece = this.pieces[i]!;
      const inPiece = pos - this.starts[i]!;
      const n = Math.min(piece.length - inPiece, to - pos);
      piece.copy(buf, out, inPiece, inPiece + n);
      pos += n;
      out += n;
      i++;
    }
  }

  /** Index of the piece holding `pos` (binary search over the piece starts). */
  private pieceAt(pos: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
