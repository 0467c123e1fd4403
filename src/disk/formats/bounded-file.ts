import type { ByteRange, ByteSource } from '../byte-source.ts';
import { DiskFormatError } from '../disk-reader.ts';
import { FileByteSource, FileShrank } from '../file-source.ts';

/**
 * The one image file a reader may touch, whatever its bytes come from. Every read is
 * checked against the size known at open, so a hostile pointer becomes a DiskFormatError
 * instead of a short read of garbage (or a request for bytes the server never had).
 */
export class BoundedFile {
  readonly size: number;

  private constructor(private readonly source: ByteSource) {
    this.size = source.size;
  }

  static over(source: ByteSource): BoundedFile {
    return new BoundedFile(source);
  }

  static async open(path: string): Promise<BoundedFile> {
    return new BoundedFile(await FileByteSource.open(path));
  }

  /** True when `[position, position + length)` lies inside the file. */
  contains(position: number, length: number): boolean {
    return Number.isSafeInteger(position) && position >= 0 && length >= 0 && position + length <= this.size;
  }

  /** Reads exactly `length` bytes into `buf` at `bufOffset`; `what` names the structure for the error. */
  async readInto(buf: Buffer, bufOffset: number, length: number, position: number, what: string): Promise<void> {
    if (!this.contains(position, length)) throw this.pastEnd(what, position, length);
    if (length === 0) return;
    try {
      await this.source.read(buf, bufOffset, length, position);
    } catch (e) {
      if (e instanceof FileShrank) throw new DiskFormatError(`${what}: the file shrank while it was being read`);
      throw e;
    }
  }

  /**
   * Reads consecutive bytes from `position` into `parts`, in order: one request over a
   * remote source, a read per part over any other.
   */
  async readParts(parts: readonly Buffer[], position: number, what: string): Promise<void> {
    const length = parts.reduce((n, p) => n + p.length, 0);
    if (!this.contains(position, length)) throw this.pastEnd(what, position, length);
    let inOne = false;
    try {
      inOne = (await this.source.readParts?.(parts, position)) === true;
    } catch (e) {
      if (e instanceof FileShrank) throw new DiskFormatError(`${what}: the file shrank while it was being read`);
      throw e;
    }
    if (inOne) return;
    let at = position;
    for (const p of parts) {
      await this.readInto(p, 0, p.length, at, what);
      at += p.length;
    }
  }

  /** Allocates and reads; callers bound `length` before calling (never straight from a header). */
  async readBuffer(length: number, position: number, what: string): Promise<Buffer> {
    // Checked before allocating, so a size field can never make us allocate past the file.
    if (!this.contains(position, length)) throw this.pastEnd(what, position, length);
    const buf = Buffer.allocUnsafe(length);
    await this.readInto(buf, 0, length, position, what);
    return buf;
  }

  /**
   * Fills `buf` from `position`: what the file holds there, zeros for the part past its
   * end (a size field counted in whole sectors may claim bytes past EOF; qemu reads them
   * as zeros).
   */
  async readClampedInto(buf: Buffer, position: number, what: string): Promise<void> {
    const available = Math.max(0, Math.min(buf.length, this.size - position));
    await this.readInto(buf, 0, available, position, what);
    buf.fill(0, available);
  }

  /** Whether the source fetches ahead on hints (a remote one); a local file does not. */
  get takesHints(): boolean {
    return this.source.willNeed !== undefined;
  }

  /** Passes a read-ahead hint to the source, clipped to the file: hints never widen what is read. */
  willNeed(ranges: readonly ByteRange[]): void {
    if (!this.source.willNeed || ranges.length === 0) return;
    const inside: ByteRange[] = [];
    for (const r of ranges) {
      const start = Math.max(0, r.start);
      const end = Math.min(this.size, r.end);
      if (end > start) inside.push({ start, end });
    }
    if (inside.length > 0) this.source.willNeed(inside);
  }

  private pastEnd(what: string, position: number, length: number): DiskFormatError {
    return new DiskFormatError(
      `${what} at byte offset ${position} (${length} bytes) lies past the end of the ${this.size}-byte file; the image is truncated or corrupt`,
    );
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}
