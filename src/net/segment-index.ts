import type { ByteRange } from '../disk/byte-source.ts';
import type { Segment } from './segment.ts';

/** The segments of one file, sorted by offset and never overlapping. */
export class SegmentIndex {
  private readonly list: Segment[] = [];

  get all(): readonly Segment[] {
    return this.list;
  }

  /** Segments that hold any byte of `[start, end)`, in order. */
  overlapping(start: number, end: number): Segment[] {
    const out: Segment[] = [];
    for (let i = this.firstEndingAfter(start); i < this.list.length && this.list[i]!.start < end; i++) out.push(this.list[i]!);
    return out;
  }

  /** The parts of `[start, end)` no segment holds, in order. */
  gaps(start: number, end: number): ByteRange[] {
    const out: ByteRange[] = [];
    let pos = start;
    for (const s of this.overlapping(start, end)) {
      if (s.start > pos) out.push({ start: pos, end: s.start });
      pos = Math.max(pos, s.end);
    }
    if (pos < end) out.push({ start: pos, end });
    return out;
  }

  /** Start of the first segment at or after `pos`, or Infinity. */
  nextStart(pos: number): number {
    const i = this.firstEndingAfter(pos);
    return i < this.list.length ? Math.max(pos, this.list[i]!.start) : Infinity;
  }

  add(seg: Segment): void {
    const i = this.firstEndingAfter(seg.start);
    const next = this.list[i];
    if (next && next.start < seg.end) throw new Error(`segment ${seg.start}-${seg.end} overlaps ${next.start}-${next.end}`);
    this.list.splice(i, 0, seg);
  }

  remove(seg: Segment): boolean {
    const i = this.firstEndingAfter(seg.start);
    if (this.list[i] !== seg) return false;
    this.list.splice(i, 1);
    return true;
  }

  clear(): void {
    this.list.length = 0;
  }

  /** Index of the first segment whose end is past `pos`. */
  private firstEndingAfter(pos: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid]!.end <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
