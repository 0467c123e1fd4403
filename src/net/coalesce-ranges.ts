import type { ByteRange } from '../disk/byte-source.ts';

export interface CoalesceRules {
  /** Two ranges closer than this are fetched as one: a few wasted bytes beat a round trip. */
  gap: number;
  /** No request is larger than this, so a retry repeats little and requests run in parallel. */
  maxLength: number;
}

/**
 * Sorts ranges by offset, merges overlapping and nearby ones, and splits the result into
 * requests of at most `maxLength` bytes. Empty ranges are dropped.
 */
export function coalesceRanges(ranges: readonly ByteRange[], rules: CoalesceRules): ByteRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [];
  for (const r of sorted) {
    const last = merged.at(-1);
    if (last && r.start <= last.end + rules.gap) last.end = Math.max(last.end, r.end);
    else merged.push({ start: r.start, end: r.end });
  }
  const out: ByteRange[] = [];
  for (const m of merged) {
    // Equal pieces rather than max-sized ones and a runt at the end.
    const pieces = Math.ceil((m.end - m.start) / rules.maxLength);
    const size = Math.ceil((m.end - m.start) / pieces);
    for (let at = m.start; at < m.end; at += size) out.push({ start: at, end: Math.min(m.end, at + size) });
  }
  return out;
}
