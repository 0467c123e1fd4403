// The fallback for servers that ignore Range: the whole answer goes to a temp file under
// the size cap and above the free-space reserve (save-body.ts) and the readers read that. The file is removed on close.
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { ByteSource } from '../disk/byte-source.ts';
import { FileByteSource } from '../disk/file-source.ts';
import { saveBody } from './save-body.ts';
import type { SpoolSpace } from './spool-space.ts';

export class SpoolSource implements ByteSource {
  readonly kind = 'spool' as const;
  readonly size: number;

  private constructor(
    private readonly file: FileByteSource,
    private readonly path: string,
  ) {
    this.size = file.size;
  }

  /** Saves the 2xx response `res` to `path` and opens it. */
  static async from(
    res: IncomingMessage,
    path: string,
    limits: { maxBytes: number; space: SpoolSpace | undefined },
    signal: AbortSignal | undefined,
    onProgress?: (bytes: number, total: number | null) => void,
  ): Promise<SpoolSource> {
    await saveBody(res, path, limits.maxBytes, { signal, onProgress, space: limits.space });
    try {
      return new SpoolSource(await FileByteSource.open(path), path);
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
  }

  read(buf: Buffer, bufOffset: number, length: number, position: number): Promise<void> {
    return this.file.read(buf, bufOffset, length, position);
  }

  async close(): Promise<void> {
    await this.file.close();
    await rm(this.path, { force: true });
  }
}
