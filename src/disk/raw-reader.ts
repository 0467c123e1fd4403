import { open, type FileHandle } from 'node:fs/promises';
import type { DiskReader, Extent } from './disk-reader.ts';

/**
 * A raw image is its own virtual disk. Node has no SEEK_DATA, so the whole file is one
 * extent; the chunker's zero detection turns the holes back into holes.
 */
export class RawReader implements DiskReader {
  readonly format = 'raw' as const;

  private constructor(
    private readonly file: FileHandle,
    readonly virtualSize: number,
  ) {}

  static async open(path: string): Promise<RawReader> {
    const file = await open(path, 'r');
    const { size } = await file.stat();
    return new RawReader(file, size);
  }

  async *extents(): AsyncIterable<Extent> {
    if (this.virtualSize > 0) yield { offset: 0, length: this.virtualSize };
  }

  async read(buf: Buffer, length: number, offset: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.file.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) {
        buf.fill(0, done, length);
        return;
      }
      done += bytesRead;
    }
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
