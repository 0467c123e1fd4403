import { open, type FileHandle } from 'node:fs/promises';
import { DiskFormatError } from '../disk-reader.ts';

/**
 * The one file a reader may touch. Every read is checked against the size taken at open,
 * so a hostile pointer becomes a DiskFormatError instead of a short read of garbage.
 */
export class BoundedFile {
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<BoundedFile> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      return new BoundedFile(fh, size);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** True when `[position, position + length)` lies inside the file. */
  contains(position: number, length: number): boolean {
    return Number.isSafeInteger(position) && position >= 0 && length >= 0 && position + length <= this.size;
  }

  /** Reads exactly `length` bytes into `buf` at `bufOffset`; `what` names the structure for the error. */
  async readInto(buf: Buffer, bufOffset: number, length: number, position: number, what: string): Promise<void> {
    if (!this.contains(position, length)) throw this.pastEnd(what, position, length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, bufOffset + done, length - done, position + done);
      if (bytesRead === 0) throw new DiskFormatError(`${what}: the file shrank while it was being read`);
      done += bytesRead;
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

  /** Reads what exists of `[position, position + length)`, zero-filling the part past EOF. */
  async readClamped(length: number, position: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    const available = Math.max(0, Math.min(length, this.size - position));
    if (available > 0) await this.readInto(buf, 0, available, position, 'data');
    return buf;
  }

  private pastEnd(what: string, position: number, length: number): DiskFormatError {
    return new DiskFormatError(`${what} at byte offset ${position} (${length} bytes) lies past the end of the ${this.size}-byte file; the image is truncated or corrupt`);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
