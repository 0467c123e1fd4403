import { open, type FileHandle } from 'node:fs/promises';
import type { ByteRange, ByteSource } from './byte-source.ts';
import { dataExtentsOf } from './file-extents.ts';

/** A local image file. The size is taken once at open: the file must not change while read. */
export class FileByteSource implements ByteSource {
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileByteSource> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      return new FileByteSource(fh, size);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async read(buf: Buffer, bufOffset: number, length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, bufOffset + done, length - done, position + done);
      if (bytesRead === 0) throw new FileShrank(position + done);
      done += bytesRead;
    }
  }

  /** The open file, for copies the kernel makes from it (DiskReader.copySource). */
  get fd(): number {
    return this.fh.fd;
  }

  async dataRanges(): Promise<ByteRange[] | undefined> {
    return dataExtentsOf(this.fh.fd, this.size)?.map((e) => ({ start: e.offset, end: e.offset + e.length }));
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** The file ended before the size taken at open: someone truncated it under us. */
export class FileShrank extends Error {
  override readonly name = 'FileShrank';
  constructor(readonly at: number) {
    super(`the file shrank while it was being read (nothing at byte offset ${at})`);
  }
}
