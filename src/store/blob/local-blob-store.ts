import type { BigIntStats } from 'node:fs';
import { type FileHandle, link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { directWritable } from '../../native/direct-io.ts';
import { dataSync, startWriteback, syncDir, syncFilesystem } from '../../native/durability.ts';
import { linkUnnamed, openUnnamed } from '../../native/unnamed-file.ts';
import { assertChunkKey, keyAlgorithm, keyDigest } from '../../core/chunks/content-key.ts';
import type { BlobStore, StagedChunk } from '../../core/ports/blob-store.ts';
import { HOLE_BLOCK, nonZeroRuns } from '../../disk/nonzero-runs.ts';
import { copyChunkFile, copyDataRange } from './chunk-copy.ts';
import { ChunkNotFoundError } from './chunk-not-found.ts';
import { blake3Dir, walkChunkKeys } from './fan-out-walk.ts';
import { pages } from './pages.ts';
import { StagedChunkFile } from './staged-chunk-file.ts';
import { checkRange, tooLarge } from './read-range.ts';
import { isAbandoned, tempName } from './temp-names.ts';

/**
 * Chunks as files under `<root>/blake3/ab/cd/<digest>` (BLAKE3 keys) and
 * `<root>/ab/cd/<digest>` (SHA-256 keys, written before BLAKE3; see content-key.ts). A chunk is written to a file with
 * no name (O_TMPFILE in tmp/, see unnamed-file.ts) and published with linkat(2), which
 * fails if the name exists: an atomic put-if-absent that never exposes a partial chunk,
 * even to a concurrent reader or after a crash. Where O_TMPFILE is unavailable the file
 * is written under a temporary name in tmp/, linked, then unlinked; several processes may
 * share the directory, see temp-names.ts for how they share tmp/.
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
   * Chunks this store wrote with deferSync, by the identity of the file it linked: a
   * syncfs from this host makes those durable, names included. A chunk under the same key
   * that is not that file (another process or host wrote it, maybe a moment after the
   * collector deleted ours) is synced file by file, since syncfs on a shared (network)
   * filesystem flushes only this host's writes. Oldest dropped past WRITTEN_KEPT: a
   * forgotten chunk costs an fdatasync, never durability.
   */
  private readonly written = new Map<string, string>();
  /** Chunks are written as unnamed files until the filesystem refuses one (then temp names, for good). */
  private unnamed: boolean;
  /** With fsync on, aligned chunks are written with O_DIRECT until the filesystem refuses it (putIfAbsent). */
  private direct: boolean;

  /**
   * `opts.unnamedFiles: false` writes under temporary names from the start, as where
   * O_TMPFILE is refused; `opts.directWrites: false` writes through the page cache, as
   * where O_DIRECT is refused.
   */
  constructor(
    private readonly root: string,
    private readonly fsync: boolean,
    opts: { unnamedFiles?: boolean; directWrites?: boolean } = {},
  ) {
    this.location = root;
    this.tmpDir = join(root, 'tmp');
    this.unnamed = opts.unnamedFiles ?? true;
    this.direct = opts.directWrites ?? true;
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
    const runs = nonZeroRuns(data, length, HOLE_BLOCK);
    // Only with fsync: without it a put returns once its bytes are in the page cache, and a
    // direct write would wait for the device instead.
    const direct = this.fsync && this.direct && this.unnamed && directWritable(data, runs);
    const fh = this.unnamed ? await this.openUnnamedChunk(direct) : undefined;
    if (fh === undefined) {
      this.unnamed = false;
      return this.putThroughTempName(key, path, data, length, runs, durable);
    }
    try {
      await this.writeChunk(fh, data, length, runs);
      // A direct write left no dirty pages: nothing for sync_file_range to start.
      if (durable || !direct) await this.startDurability(fh, durable);
      return await this.publishUnnamed(fh, key, durable);
    } finally {
      await fh.close();
    }
  }

  /**
   * The chunk's bytes copied from `fd` by copy_file_range(2) into an unnamed file, its
   * holes kept: one copy inside the kernel where putIfAbsent costs the caller's read into
   * its buffer and this store's write from it. Measured on the 2-core machine under load
   * (capture of 1.63 GiB, 5 alternated rounds): the write from this process's buffer into
   * new page-cache pages was a third of the process's CPU time. The copy keeps the
   * source's holes, not its zero blocks (finding those needs the bytes the kernel never
   * hands this process): a chunk of written zeros takes space, as in the source disk.
   */
  async stageCopy(fd: number, offset: number, length: number): Promise<StagedChunk | undefined> {
    // With fsync on, a chunk read into the caller's buffer and written from it with O_DIRECT
    // costs less than this copy, which fills page-cache pages that are read back and then
    // written out: a capture of 1.63 GiB took 2.19 s [2.16..2.29] against 7.42 s
    // [3.55..8.89] copied (2-core machine at load 7-9, 3 alternated rounds; README).
    if (this.fsync && this.direct) return undefined;
    const fh = this.unnamed ? await openUnnamed(this.tmpDir, { readable: true }) : undefined;
    if (fh === undefined) {
      this.unnamed = false;
      return undefined;
    }
    let copied = false;
    try {
      if (await copyDataRange(fd, offset, length, fh.fd, 0)) {
        // After the copy: the tail past the source's last data extent is a hole.
        await fh.truncate(length);
        copied = true;
      }
    } finally {
      if (!copied) await fh.close();
    }
    if (!copied) return undefined;
    return new StagedChunkFile(fh, length, async (staged, key, deferSync) => {
      assertChunkKey(key);
      if (await this.has(key)) return false;
      const durable = this.fsync && !deferSync;
      await this.startDurability(staged, durable);
      return this.publishUnnamed(staged, key, durable);
    });
  }

  /**
   * An unnamed file for a chunk, O_DIRECT when `direct`. Where a chunk of 1.63 GiB of
   * imports went (qcow2, 2-core machine, perf of the process): half the process's CPU was
   * the pwrite(2) copy from the chunk's buffer into new page-cache pages, which writeback
   * then wrote out; 400 chunks of 4 MiB written direct took 0.17 s of CPU against 0.8 s
   * buffered, and 1.5 s against 2.3 s of wall with the syncfs after them. A refusal (EINVAL
   * from a filesystem such as tmpfs) turns direct writes off for good and opens again.
   */
  private async openUnnamedChunk(direct: boolean): Promise<FileHandle | undefined> {
    if (direct) {
      const fh = await openUnnamed(this.tmpDir, { direct: true });
      if (fh !== undefined) return fh;
      this.direct = false;
    }
    return openUnnamed(this.tmpDir);
  }

  /** Links the written unnamed file `fh` as `key`'s chunk; false when the name was taken. */
  private async publishUnnamed(fh: FileHandle, key: string, durable: boolean): Promise<boolean> {
    if (!(await this.publish(this.pathOf(key), durable, (to) => linkUnnamed(fh, to)))) return false;
    // The link set the change time and nothing changes it after: this is what `sync` will find.
    if (!durable && this.fsync) this.remember(key, identityOf(await fh.stat({ bigint: true })));
    return true;
  }

  /** Where O_TMPFILE cannot be used: a file under a temporary name, linked, then unlinked. */
  private async putThroughTempName(key: string, path: string, data: Buffer, length: number, runs: [number, number][], durable: boolean): Promise<boolean> {
    const tmp = join(this.tmpDir, tempName(key));
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await this.writeChunk(fh, data, length, runs);
      await this.startDurability(fh, durable);
    } catch (e) {
      await unlink(tmp).catch(ignoreMissing);
      throw e;
    } finally {
      await fh.close();
    }
    let linked: boolean;
    try {
      linked = await this.publish(path, durable, (to) => link(tmp, to));
    } finally {
      await unlink(tmp).catch(ignoreMissing);
    }
    // After the unlink, which changes the file's ctime, so the identity is the one `sync` finds.
    if (linked && !durable && this.fsync) this.remember(key, await fileIdentity(path));
    return linked;
  }

  /**
   * Links a written chunk under its name; false when the name was taken meanwhile (the
   * same content, put by another writer). A fan-out directory removed behind the store's
   * back is made again.
   */
  private async publish(path: string, durable: boolean, linkTo: (path: string) => Promise<void>): Promise<boolean> {
    const dir = dirname(path);
    try {
      if (!this.knownDirs.has(dir)) await this.makeDir(dir, durable);
      await linkTo(path).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
        this.knownDirs.delete(dir);
        await this.makeDir(dir, durable);
        await linkTo(path);
      });
      // The new name must survive a crash before the manifest that refers to it commits.
      if (durable) await syncDir(dir);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  private async makeDir(dir: string, durable: boolean): Promise<void> {
    const created = await mkdir(dir, { recursive: true });
    if (durable && created !== undefined) await syncNewDirs(created, dir);
    this.knownDirs.add(dir);
  }

  private remember(key: string, identity: string | undefined): void {
    this.written.delete(key);
    if (identity === undefined) return;
    this.written.set(key, identity);
    if (this.written.size > WRITTEN_KEPT) this.written.delete(this.written.keys().next().value as string);
  }

  /**
   * Zero blocks are left as holes, so a copy of the chunk (copyInto, an image-cache fill)
   * keeps them holes without reading the chunk; finding them costs little, since a block
   * that holds data differs from zeros in its first bytes. (A staged copy keeps the
   * source's holes instead, and writes its zero blocks: see stageCopy.)
   */
  private async writeChunk(fh: FileHandle, data: Buffer, length: number, runs: [number, number][]): Promise<void> {
    let written = 0;
    for (const [start, end] of runs) {
      for (let off = start; off < end; ) off += (await fh.write(data, off, end - off, off)).bytesWritten;
      written = end;
    }
    if (written < length) await fh.truncate(length);
  }

  /**
   * With fsync on and the sync deferred, the chunk's writeback starts as soon as it is
   * written, so the device writes while the caller reads and hashes the next chunks:
   * `sync` then finds little left to write. Without fsync, the kernel writes back when it
   * likes.
   */
  private async startDurability(fh: FileHandle, durable: boolean): Promise<void> {
    if (durable) await fh.datasync();
    else if (this.fsync) await startWriteback(fh.fd);
  }

  /**
   * Makes the chunks durable (data and the directory entries naming them): the ones this
   * store wrote with one syncfs(2) of its filesystem, the others (or all, where syncfs is
   * unavailable or fails) with each chunk's fdatasync and each directory's fsync.
   * Profiled on the 2-core machine Kiln is benchmarked on (capture of 0.8 GiB in 220
   * chunks, load 24, strace): with writeback started at each write, the fdatasyncs took
   * 27 ms each and, with 374 directory fsyncs after them, 1.1 s past the last write; one
   * syncfs took 0.30 s. syncfs also waits for other writers' dirty data on the same
   * filesystem; the store's own is already on its way (writeTemp), so what is left is
   * one journal commit and one cache flush instead of one per file and directory.
   */
  async sync(keys: string[]): Promise<void> {
    if (!this.fsync || keys.length === 0) return;
    const unique = [...new Set(keys)];
    for (const key of unique) assertChunkKey(key);
    const ours = new Set<string>();
    await inParallel(unique, SYNC_PARALLEL, async (key) => {
      const known = this.written.get(key);
      if (known !== undefined && known === (await fileIdentity(this.pathOf(key)))) ours.add(key);
    });
    const others = ours.size >= SYNCFS_FROM && (await syncFilesystem(this.root)) ? unique.filter((k) => !ours.has(k)) : unique;
    for (const key of ours) this.written.delete(key);
    if (others.length === 0) return;
    await inParallel(others, SYNC_PARALLEL, (key) => dataSync(this.pathOf(key)));
    const leaves = new Set(others.map((k) => dirname(this.pathOf(k))));
    const middles = new Set([...leaves].map((d) => dirname(d)));
    // The fan-out roots: the store's directory, and for BLAKE3 chunks its blake3/ beneath it.
    const tops = new Set([...[...middles].map((d) => dirname(d)), this.root]);
    await inParallel([...leaves, ...middles, ...tops], SYNC_PARALLEL, syncDir);
  }

  async missingAmong(keys: Iterable<string>): Promise<Set<string>> {
    // A published chunk is a linked file that only the collector unlinks, and the caller's
    // references hold the collector off: looking would cost a stat per chunk (hundreds
    // for a capture of a few GiB) to find nothing.
    for (const key of keys) assertChunkKey(key);
    return new Set();
  }

  async copyInto(key: string, fd: number, at: number, maxLength: number): Promise<number | undefined> {
    assertChunkKey(key);
    return copyChunkFile(this.pathOf(key), fd, at, maxLength).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new ChunkNotFoundError(key, this.location) : e;
    });
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

/** fdatasyncs in flight where syncfs is unavailable: 4 took 0.97 s for 256 chunks of 4 MiB, one at a time 1.78 s. */
const SYNC_PARALLEL = 4;
/**
 * Chunks of one sync from which one syncfs replaces their fdatasyncs and directory
 * fsyncs. Below it (an upload's part) a sync costs a few flushes of its own files, never a
 * wait for every writer's dirty data on the filesystem. Measured (bench/sync-threshold.ts,
 * 2-core machine at load 6-7, 2026-12-07): per-chunk cost 1.29-1.46x syncfs at 8-64
 * chunks with no other writer's dirty data, 1.00-1.30x with 128 MiB of it (syncfs waits
 * for that, but each fdatasync also pays its chunk's directories' fsyncs); at 4 chunks
 * 1.49x without and 0.79x with. So an overlay capture's ~30 chunks stay on syncfs.
 */
const SYNCFS_FROM = 8;
/** Chunks remembered as written here and not yet synced: 16,384 (64 GiB of 4 MiB chunks), about 2 MiB of keys. */
const WRITTEN_KEPT = 16_384;

/**
 * Which file a name holds: device, inode and change time (set when the file was linked
 * in), so a file written again under the same name after a delete is told apart.
 */
async function fileIdentity(path: string): Promise<string | undefined> {
  const st = await stat(path, { bigint: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  return st && identityOf(st);
}

function identityOf(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.ctimeNs}`;
}

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
