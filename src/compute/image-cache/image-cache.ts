import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../core/model.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import { syncDir } from '../../native/durability.ts';
import { writeManifest } from '../write-manifest.ts';

/**
 * A compute node's image cache: one sparse raw file per image (`<imageId>.raw`), written
 * once from the blob store and then shared, read-only, as the backing file of every
 * instance disk made from that image on this node.
 *
 * - Publication: an entry is filled under a temporary name, synced, then linked to its
 *   name (link(2) never replaces), so a name only ever holds a whole image; a fill cut
 *   short by a crash leaves a temporary file that is never used and is removed later.
 * - One writer: in this process, deployments of one image wait for the fill in progress.
 *   Two processes sharing a node's data dir may both fill; the first link wins and the
 *   other's copy is dropped.
 * - In use: each disk on an entry holds a hard link to it (its pin, beside the disk), so
 *   the entry's link count says whether any disk uses it, across restarts and processes,
 *   with no bookkeeping to lose. Only entries no disk uses are evicted.
 * - Budget: after a fill, least recently used entries no disk uses are evicted until the
 *   allocated bytes fit `budgetBytes` (entries in use may keep the cache above it).
 */
export class ImageCache {
  private readonly filling = new Map<string, Promise<void>>();

  constructor(
    readonly dir: string,
    readonly budgetBytes: number,
  ) {}

  entryPath(imageId: string): string {
    if (!/^[A-Za-z0-9-]+$/.test(imageId)) throw new Error(`invalid image id ${imageId}`);
    return join(this.dir, `${imageId}.raw`);
  }

  /**
   * Makes `pinPath` a link to the image's entry, filling the entry first when this node
   * does not hold it, and returns the entry's path (what an overlay names as its backing
   * file). The pin keeps the entry from eviction until removed.
   */
  async pin(
    imageId: string,
    manifest: Manifest,
    blobs: BlobStore,
    pinPath: string,
    opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
  ): Promise<{ path: string; filled: boolean }> {
    const entry = this.entryPath(imageId);
    let filled = false;
    // An entry evicted between our fill and our link is filled again; twice is plenty.
    for (let attempt = 0; attempt < 3; attempt++) {
      opts.signal?.throwIfAborted();
      await rm(pinPath, { force: true });
      try {
        await link(entry, pinPath);
        const now = new Date();
        await utimes(entry, now, now); // most recently used
        return { path: entry, filled };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      await this.fill(imageId, manifest, blobs, opts.onProgress, opts.signal);
      filled = true;
    }
    throw new Error(`image ${imageId} left the node's cache as it was filled, three times`);
  }

  /** Drops a disk's pin; its entry becomes evictable when no other disk pins it. */
  async unpin(pinPath: string): Promise<void> {
    await rm(pinPath, { force: true });
  }

  async stats(): Promise<ImageCacheStats> {
    const entries = await this.entries();
    return {
      dir: this.dir,
      budgetBytes: this.budgetBytes,
      bytes: entries.reduce((n, e) => n + e.allocatedBytes, 0),
      entries: entries.map(({ imageId, allocatedBytes, virtualSize, disks, lastUsed }) => ({ imageId, allocatedBytes, virtualSize, disks, lastUsed })),
    };
  }

  /** Evicts least recently used entries no disk uses until the cache fits its budget. */
  async evict(): Promise<string[]> {
    const entries = await this.entries();
    let total = entries.reduce((n, e) => n + e.allocatedBytes, 0);
    const evicted: string[] = [];
    for (const e of entries.sort((a, b) => a.lastUsed - b.lastUsed)) {
      if (total <= this.budgetBytes) break;
      if (e.disks > 0 || this.filling.has(e.imageId)) continue;
      // Renamed first: a deployment that links the entry after our look sees either the
      // entry (and we see its link and put it back) or no entry (and fills it again).
      const doomed = join(this.dir, `.evict-${e.imageId}-${randomBytes(4).toString('hex')}`);
      try {
        await rename(e.path, doomed);
      } catch {
        continue;
      }
      if ((await stat(doomed)).nlink > 1) {
        await link(doomed, e.path).catch(() => undefined);
        await unlink(doomed);
        continue;
      }
      await unlink(doomed);
      total -= e.allocatedBytes;
      evicted.push(e.imageId);
    }
    return evicted;
  }

  private fill(imageId: string, manifest: Manifest, blobs: BlobStore, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    const running = this.filling.get(imageId);
    if (running) return running;
    const p = this.fillOnce(imageId, manifest, blobs, onProgress, signal).finally(() => this.filling.delete(imageId));
    this.filling.set(imageId, p);
    return p;
  }

  private async fillOnce(
    imageId: string,
    manifest: Manifest,
    blobs: BlobStore,
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.removeAbandonedFills();
    const temp = join(this.dir, `${FILL_PREFIX}${imageId}-${randomBytes(6).toString('hex')}`);
    try {
      const fh = await open(temp, 'wx');
      try {
        await fh.truncate(manifest.virtualSize);
      } finally {
        await fh.close();
      }
      await writeManifest(temp, manifest, blobs, onProgress, signal);
      try {
        await link(temp, this.entryPath(imageId));
      } catch (e) {
        // Another process published it first: the same image, so the same bytes.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      await syncDir(this.dir);
    } finally {
      await rm(temp, { force: true });
    }
    await this.evict();
  }

  /**
   * Temporary files of fills that stopped (a crash, a kill) are never published; they are
   * removed once untouched for a while, since a fill in another process writes steadily.
   */
  private async removeAbandonedFills(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.dir).catch(() => [])) {
      if (!name.startsWith(FILL_PREFIX) && !name.startsWith('.evict-')) continue;
      const st = await stat(join(this.dir, name)).catch(() => undefined);
      if (st && now - st.mtimeMs > ABANDONED_AFTER_MS) await rm(join(this.dir, name), { force: true });
    }
  }

  private async entries(): Promise<CacheEntry[]> {
    const out: CacheEntry[] = [];
    for (const name of await readdir(this.dir).catch(() => [])) {
      if (name.startsWith('.') || !name.endsWith('.raw')) continue;
      const path = join(this.dir, name);
      const st = await stat(path).catch(() => undefined);
      if (!st) continue;
      out.push({ imageId: name.slice(0, -4), path, allocatedBytes: st.blocks * 512, virtualSize: st.size, disks: st.nlink - 1, lastUsed: st.mtimeMs });
    }
    return out;
  }
}

export const FILL_PREFIX = '.fill-';
/** How long a temporary fill file may go unwritten before it counts as abandoned. */
export const ABANDONED_AFTER_MS = 10 * 60_000;

export interface ImageCacheStats {
  dir: string;
  budgetBytes: number;
  /** Bytes the entries occupy on disk (sparse: holes cost nothing). */
  bytes: number;
  entries: { imageId: string; allocatedBytes: number; virtualSize: number; disks: number; lastUsed: number }[];
}

interface CacheEntry {
  imageId: string;
  path: string;
  allocatedBytes: number;
  virtualSize: number;
  /** Disks pinning the entry (its links beyond its own name). */
  disks: number;
  lastUsed: number;
}
