/**
 * Where one range's body goes when it is not one buffer: consecutive parts, filled in
 * order. A format reader asks for a VHD block's sector bitmap and its data in one request,
 * the bitmap landing in a small buffer of its own and the data in the chunk's buffer.
 */
export class Scatter {
  readonly length: number;
  /** Byte offset of each part's first byte within the range. */
  private readonly starts: number[] = [];

  constructor(private readonly parts: readonly Buffer[]) {
    let at = 0;
    for (const p of parts) {
      this.starts.push(at);
      at += p.length;
    }
    this.length = at;
  }

  /** Bytes `[from, length)` of this scatter as one of its own (a resumed request). */
  from(from: number): Scatter {
    if (from === 0) return this;
    const rest: Buffer[] = [];
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i]!;
      const skip = from - this.starts[i]!;
      if (skip < p.length) rest.push(skip > 0 ? p.subarray(skip) : p);
    }
    return new Scatter(rest);
  }

  /** The first `length` bytes of this scatter as one of its own. */
  cut(length: number): Scatter {
    if (length >= this.length) return this;
    const head: Buffer[] = [];
    for (let i = 0; i < this.parts.length && this.starts[i]! < length; i++) {
      head.push(this.parts[i]!.subarray(0, length - this.starts[i]!));
    }
    return new Scatter(head);
  }

  /** The unfilled rest of the part holding byte `at`; empty at or past the end. */
  spaceAt(at: number): Buffer {
    const i = this.partOf(at);
    return i < 0 ? EMPTY : this.parts[i]!.subarray(at - this.starts[i]!);
  }

  /** Copies `b` to bytes `[at, at + b.length)`, across parts; the caller keeps it inside. */
  copyIn(b: Buffer, at: number): void {
    let done = 0;
    while (done < b.length) {
      const space = this.spaceAt(at + done);
      if (space.length === 0) throw new RangeError(`${b.length} bytes at ${at} overrun a ${this.length}-byte scatter`);
      done += b.copy(space, 0, done);
    }
  }

  private partOf(at: number): number {
    // Binary search: a VHD of 512-byte blocks gives a 4 MiB chunk 16k parts.
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const start = this.starts[mid]!;
      if (at < start) hi = mid - 1;
      else if (at >= start + this.parts[mid]!.length) lo = mid + 1;
      else return mid;
    }
    return -1;
  }
}

const EMPTY = Buffer.alloc(0);
