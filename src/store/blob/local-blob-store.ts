import { link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dataSync, syncDir } from '../../native/durability.ts';
import { assertChunkKey, keyAlgorithm, keyDigest } from '../../core/chunks/content-key.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import { ChunkNotFoundError } from './chunk-not-found.ts';
import { blake3Dir, walkChunkKeys } from './fan-out-walk.ts';
import { pages } from './pages.ts';
import { checkRange, tooLarge } from './read-range.ts';
import { Semaphore } from './semaphore.ts';
import { isAbandoned, tempName } from './temp-names.ts';

/**
 * Chunks as files under `<root>/blake3/ab/cd/<digest>` (BLAKE3 keys) and
 * `<root>/ab/cd/<digest>` (SHA-256 keys, written before BLAKE3; see content-key.ts). A chunk is written to a temporary file
 * and published with link(2), which fails if the name exists: an atomic put-if-absent
 * that never exposes a partial chunk, even to a concurrent reader or after a crash.
 * Several processes may share the directory; see temp-names.ts for how they share tmp/.
 */
export class LocalBlobStore implements BlobStore {
  readonly location: string;
  private readonly tmpDir: string;
  /**
   * Fan-out directories this store has seen exist (and, with fsync, made durable): a put
   * into one skips mkdir, one pool round trip less per chunk. Nothing here removes them;
   * if someone else does, link fails with ENOENT and the put makes the directory again.
   */
  private readonly knownDirs = new Set<string>();
  /**
   * Chunks this store wrote with deferSync whose fdatasync is running or has failed. The
   * flush starts as soon as the chunk is written, so by the time a writer calls `sync`
   * most of its chunks are already durable: durability overlaps reading and hashing
   * instead of following them. Entries that succeed are dropped (a later `sync` of the
   * key costs one fdatasync of a clean file); failures stay until a `sync` reports them.
   */
  private readonly flushing = new Map<string, Promise<void>>();
  private readonly flushSlots = new Semaphore(BACKGROUND_FLUSHES);

  constructor(
    private readonly root: string,
    private readonly fsync: boolean,
  ) {
    this.location = root;
    this.tmpDir = join(root, 'tmp');
  }

  /** Creates the directories and removes temp files whose writer provably died. */
  async init(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    for (const name of await readdir(this.tmpDir)) {
      if (isAbandoned(name)) await unlink(join(this.tmpDir, name)).catch(ignoreMissing);
    }
  }

  private pathOf(key: string): string {
    const digest = keyDigest(key);
    const tree = keyAlgorithm(key) === 'blake3' ? join(this.root, blake3Dir) : this.root;
    return join(tree, digest.slice(0, 2), digest.slice(2, 4), digest);
  }

  async putIfAbsent(key: string, data: Buffer, length = data.length, opts: { deferSync?: boolean } = {}): Promise<boolean> {
    assertChunkKey(key);
    const durable = this.fsync && !opts.deferSync;
    if (length < 0 || length > data.length) throw new RangeError(`length ${length} is outside the ${data.length}-byte buffer`);
    const path = this.pathOf(key);
    if (await this.has(key)) return false;
    const tmp = join(this.tmpDir, tempName(key));
    await this.writeTemp(tmp, data, length, durable);
    try {
      const dir = dirname(path);
      if (!this.knownDirs.has(dir)) await this.makeDir(dir, durable);
      await link(tmp, path).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
        this.knownDirs.delete(dir);
        await this.makeDir(dir, durable);
        await link(tmp, path);
      });
      // The new name must survive a crash before the manifest that refers to it commits.
      if (durable) await syncDir(dir);
      else if (this.fsync) this.flushInBackground(key, path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    } finally {
      await unlink(tmp).catch(ignoreMissing);
    }
  }

  private async makeDir(dir: string, durable: boolean): Promise<void> {
    const created = await mkdir(dir, { recursive: true });
    if (durable && created !== undefined) await syncNewDirs(created, dir);
    this.knownDirs.add(dir);
  }

  private async writeTemp(tmp: string, data: Buffer, length: number, durable: boolean): Promise<void> {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      let off = 0;
      while (off < length) {
        const { bytesWritten } = await fh.write(data, off, length - off, off);
        off += bytesWritten;
      }
      if (durable) await fh.datasync();
    } catch (e) {
      await unlink(tmp).catch(ignoreMissing);
      throw e;
    } finally {
      await fh.close();
    }
  }

  private flushInBackground(key: string, path: string): void {
    const flushed = this.flushSlots
      .run(() => dataSync(path))
      .then(
        () => {
          if (this.flushing.get(key) === flushed) this.flushing.delete(key);
        },
        (e: unknown) => {
          throw new Error(`fdatasync of chunk ${key} in ${this.location} failed: ${(e as Error).message}`, { cause: e });
        },
      );
    // Reported by the `sync` that waits for it; until then, not an unhandled rejection.
    flushed.catch(() => undefined);
    this.flushing.set(key, flushed);
  }

  /**
   * Makes the chunks durable: waits for the flushes started when they were written, and
   * fdatasyncs the others (chunks another writer stored), then every directory entry that
   * names them. SYNC_PARALLEL at a time: measured on the 2-core machine Kiln is
   * benchmarked on, 256 chunks of 4 MiB took 0.97 s with 4 fdatasync in flight, 1.33 s
   * with one syncfs(2) (which used to be run here, and flushes every other writer's files
   * too) and 1.78 s one at a time.
   */
  async sync(keys: string[]): Promise<void> {
    if (!this.fsync || keys.length === 0) return;
    const unique = [...new Set(keys)];
    for (const key of unique) assertChunkKey(key);
    await inParallel(unique, SYNC_PARALLEL, async (key) => {
      const started = this.flushing.get(key);
      if (started) {
        await started;
        // Reported once: a retried sync fdatasyncs the file again, which reports its own error.
        this.flushing.delete(key);
      } else {
        await dataSync(this.pathOf(key));
      }
    });
    const leaves = new Set(unique.map((k) => dirname(this.pathOf(k))));
    const middles = new Set([...leaves].map((d) => dirname(d)));
    // The fan-out roots: the store's directory, and for BLAKE3 chunks its blake3/ beneath it.
    const tops = new Set([...[...middles].map((d) => dirname(d)), this.root]);
    await inParallel([...leaves, ...middles, ...tops], SYNC_PARALLEL, syncDir);
  }

  async readInto(key: string, buf: Buffer): Promise<number> {
    return this.read(key, 0, buf.length, buf, true);
  }

  async readRange(key: string, offset: number, length: number, buf: Buffer): Promise<number> {
    checkRange(offset, length, buf);
    return this.read(key, offset, length, buf, false);
  }

  private async read(key: string, offset: number, length: number, buf: Buffer, whole: boolean): Promise<number> {
    assertChunkKey(key);
    const fh = await open(this.pathOf(key), 'r').catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new ChunkNotFoundError(key, this.location) : e;
    });
    try {
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      if (whole && done === buf.length) {
        const { size } = await fh.stat();
        if (size > buf.length) throw tooLarge(key, size, buf);
      }
      return done;
    } finally {
      await fh.close();
    }
  }

  async has(key: string): Promise<boolean> {
    assertChunkKey(key);
    try {
      await stat(this.pathOf(key));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    assertChunkKey(key);
    await unlink(this.pathOf(key)).catch(ignoreMissing);
  }

  list(opts: { after?: string; pageSize?: number } = {}): AsyncIterable<string[]> {
    return pages(walkChunkKeys(this.root, opts.after), opts.pageSize);
  }

  async close(): Promise<void> {
    // Every file handle is closed by the call that opened it.
  }
}

const SYNC_PARALLEL = 4;
/**
 * Flushes running while chunks are still being written: fewer than SYNC_PARALLEL, since
 * each holds one of libuv's four threads that the writes and reads of the same import
 * wait for.
 */
const BACKGROUND_FLUSHES = 2;

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

/** mkdir made `first` and every directory below it down to `leaf`: make each new entry durable. */
async function syncNewDirs(first: string, leaf: string): Promise<void> {
  for (let dir = leaf; dir !== dirname(dir); dir = dirname(dir)) {
    await syncDir(dirname(dir));
    if (dir === first) break;
  }
}

function ignoreMissing(e: NodeJS.ErrnoException): void {
  if (e.code !== 'ENOENT') throw e;
}
