import type { ByteRange } from '../byte-source.ts';
import type { BoundedFile } from './bounded-file.ts';

/**
 * Tells a remote source which second-level tables (qcow2 L2, VMDK grain tables) the
 * extents walk is about to read, so they arrive in a few coalesced requests instead of
 * one round trip each. Only as many as the reader's table cache holds (the walk goes in
 * virtual order, so the first ones), sorted by file offset for the source.
 * `offsets` holds validated table offsets, 0 for none.
 */
export function hintTables(file: BoundedFile, offsets: Float64Array, tableBytes: number, cacheBytes: number): void {
  if (!file.takesHints) return;
  const limit = Math.max(1, Math.floor(cacheBytes / tableBytes));
  const ranges: ByteRange[] = [];
  for (const at of offsets) {
    if (ranges.length >= limit) break;
    if (at > 0) ranges.push({ start: at, end: at + tableBytes });
  }
  ranges.sort((a, b) => a.start - b.start);
  file.willNeed(ranges);
}
