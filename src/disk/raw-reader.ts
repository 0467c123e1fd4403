import type { ByteSource } from './byte-source.ts';
import type { DiskReader, Extent } from './disk-reader.ts';
import { FileByteSource, FileShrank } from './file-source.ts';

/**
 * A raw image is its own virtual disk. Without a map of where the file holds data (HTTP
 * has none; a local file may, see file-extents.ts) the whole file is one extent, and the
 * chunker's zero detection turns the holes back into holes.
 */
export class RawReader implements DiskReader {
  readonly format = 'raw' as const;
  readonly virtualSize: number;

  /** `dataExtents`: where the source holds data, ascending; everything else reads as zeros. */
  constructor(
    private readonly source: ByteSource,
    private readonly dataExtents?: readonly Extent[],
  ) {
    this.virtualSize = source.size;
  }

  static async open(path: string, opts: { dataExtents?: readonly Extent[] } = {}): Promise<RawReader> {
    return new RawReader(await FileByteSource.open(path), opts.dataExtents);
  }

  async *extents(): AsyncIterable<Extent> {
    if (this.dataExtents) {
      for (const e of this.dataExtents) {
        const length = Math.min(e.length, this.virtualSize - e.offset);
        if (length > 0) yield { offset: e.offset, length };
      }
      return;
    }
    if (this.virtualSize > 0) yield { offset: 0, length: this.virtualSize };
  }

  /** Virtual offsets are file offsets: the hint passes straight through. */
  willRead(extents: readonly Extent[]): void {
    this.source.willNeed?.(extents.map((e) => ({ start: e.offset, end: e.offset + e.length })));
  }

  async read(buf: Buffer, length: number, offset: number): Promise<void> {
    try {
      await this.source.read(buf, 0, length, offset);
    } catch (e) {
      // A local disk that shrank under us (an instance disk truncated meanwhile) reads as
      // zeros past its new end, as a sparse file's hole would.
      if (!(e instanceof FileShrank)) throw e;
      buf.fill(0, e.at - offset, length);
    }
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}
