import { randomBytes } from 'node:crypto';
import { mkdir, open, opendir, link, unlink, utimes, stat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { assertChunkKey, chunkKeyPattern, type BlobStore } from '../../core/ports/blob-store.ts';

/**
 * Chunks as files under `<root>/ab/cd/<key>`. A chunk is written to a temporary file
 * and published with link(2), which fails if the name exists: an atomic put-if-absent
 * that never exposes a partial chunk, even to a concurrent reader or after a crash.
 */
export class LocalBlobStore implements BlobStore {
  private readonly tmpDir: string;
  readonly location: string;

  constructor(
    private readonly root: string,
    private readonly fsync: boolean,
  ) {
    this.tmpDir = join(root, 'tmp');
    this.location = root;
  }

  async init(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    // Temporary files left by a crash are never published; clear them.
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  private pathOf(key: string): string {
    return join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async putIfAbsent(key: string, data: Buffer, length = data.length): Promise<boolean> {
    assertChunkKey(key);
    const path = this.pathOf(key);
    if (await this.touch(path)) return false;
    const tmp = join(this.tmpDir, `${key}.${randomBytes(6).toString('hex')}`);
    const fh = await open(tmp, 'wx', 0o644);
    try {
      let off = 0;
      while (off < length) {
        const { bytesWritten } = await fh.write(data, off, length - off, off);
        off += bytesWritten;
      }
      if (this.fsync) await fh.datasync();
    } finally {
      await fh.close();
    }
    try {
      await mkdir(join(this.root, key.slice(0, 2), key.slice(2, 4)), { recursive: true });
      await link(tmp, path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        await this.touch(path);
        return false;
      }
      throw e;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  private async touch(path: string): Promise<boolean> {
    try {
      const now = new Date();
      await utimes(path, now, now);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  async readInto(key: string, buf: Buffer): Promise<number> {
    assertChunkKey(key);
    const fh = await open(this.pathOf(key), 'r');
    try {
      let off = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
        if (bytesRead === 0) return off;
        off += bytesRead;
        if (off === buf.length) return off;
      }
    } finally {
      await fh.close();
    }
  }

  async readRange(key: string, offset: number, length: number, buf: Buffer): Promise<number> {
    assertChunkKey(key);
    const fh = await open(this.pathOf(key), 'r');
    try {
      const { bytesRead } = await fh.read(buf, 0, Math.min(length, buf.length), offset);
      return bytesRead;
    } finally {
      await fh.close();
    }
  }

  async close(): Promise<void> {}

  async has(key: string): Promise<boolean> {
    assertChunkKey(key);
    try {
      await stat(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    assertChunkKey(key);
    await unlink(this.pathOf(key)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  async *list(opts: { after?: string; pageSize?: number } = {}): AsyncIterable<string[]> {
    const pageSize = opts.pageSize ?? 1000;
    let page: string[] = [];
    for (const a of (await safeReaddir(this.root)).sort()) {
      if (a === 'tmp') continue;
      for (const b of (await safeReaddir(join(this.root, a))).sort()) {
        for (const key of (await safeReaddir(join(this.root, a, b))).sort()) {
          if (!chunkKeyPattern.test(key) || (opts.after !== undefined && key <= opts.after)) continue;
          page.push(key);
          if (page.length >= pageSize) {
            yield page;
            page = [];
          }
        }
      }
    }
    if (page.length > 0) yield page;
  }
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    const out: string[] = [];
    for await (const entry of await opendir(dir)) out.push(entry.name);
    return out;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}
