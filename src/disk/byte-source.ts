/**
 * The bytes of an image file, wherever they live: a local file, ranges of a URL, a spool.
 * Format readers see only this, so the same checked parsing serves capture (a local disk)
 * and imports (a URL read with Range requests) alike. The disk engine defines it; the
 * network implementation lives in src/net, so src/disk never imports a network module.
 */

/** A byte range of the image file, `[start, end)`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ByteSource {
  /** Size of the file in bytes, known before the first read. */
  readonly size: number;
  /**
   * Fills `buf[bufOffset, bufOffset + length)` with the file's bytes at `position`.
   * Callers keep the range inside `[0, size)` (BoundedFile checks every read); a source
   * that cannot deliver every byte rejects, it never returns short.
   */
  read(buf: Buffer, bufOffset: number, length: number, position: number): Promise<void>;
  /**
   * Fills `parts` in order with the file's bytes from `position` on, as one request where
   * the source makes requests (a VHD block's bitmap and data, in two buffers); false, with
   * nothing read, where it would not be one request. Optional: without it, or on false,
   * BoundedFile reads each part on its own.
   */
  readParts?(parts: readonly Buffer[], position: number): Promise<boolean>;
  /**
   * A hint: these ranges will be read soon. A remote source fetches them ahead in large
   * coalesced requests sorted by offset; a local file ignores it. Never throws: a failed
   * prefetch surfaces when the range is actually read.
   */
  willNeed?(ranges: readonly ByteRange[]): void;
  /**
   * Where the file holds data, ascending, when the source can tell (a local sparse file,
   * see file-extents.ts); bytes outside read as zeros. Undefined: no map, read it all.
   */
  dataRanges?(): Promise<readonly ByteRange[] | undefined>;
  close(): Promise<void>;
}
