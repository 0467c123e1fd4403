import type { ByteSource } from './byte-source.ts';
import type { DiskReader, Extent } from './disk-reader.ts';
import { FileByteSource, FileShrank } from './file-source.ts';

/**
 * A raw image is its own virtual disk. Its extents are where the source holds data when
 * the source can tell (a local file, see file-extents.ts); otherwise (HTTP has no such
 * map) the whole file is one extent, and the chunker's zero detection turns the holes
 * back into holes.
 */
export class RawReader implements DiskReader {
  readonly format = 'raw' as const;
  readonly virtualSize: number;

  constructor(private readonly source: ByteSource) {
    this.virtualSize = source.size;
  }

  static async open(path: string): Promise<RawReader> {
    return new RawReader(await FileByteSource.open(path));
  }

  async *extents(): AsyncIterable<Extent> {
    const ranges = await this.source.dataRanges?.();
    if (ranges) {
      for (const r of ranges) {
        const end = Math.min(r.end, this.virtualSize);
        if (end > r.start) yield { offset: r.start, length: end - r.start };
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

  copySource(): number | undefined {
    return this.source instanceof FileByteSource ? this.source.fd : undefined;
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}
