import type { ChunkSink } from '../../disk/chunker.ts';
import { ChunksLostError, type BlobStore, type StagedChunk } from '../ports/blob-store.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';

/** The name of the lease that lets one garbage collector run at a time. */
export const CollectorLease = 'gc';

const DOOM_POLL_MS = 50;

/**
 * Stores chunks so that a concurrent garbage collector on any host never deletes one a
 * writer relies on. Before a chunk is checked or uploaded, its key is recorded as
 * pending for `owner` (committed, so every collector sees it); then, if a collector had
 * already announced the chunk's deletion, the writer waits until that collector is done
 * with it (it may be deleted) and only then puts it, uploading it again if needed. The
 * pending record is dropped in the transaction that commits the manifest, or when the
 * owner's job ends.
 *
 * Durability is batched: chunks are written without a flush each, and `flush()` makes
 * every chunk this writer used durable at once, before the caller commits a manifest
 * ("Available implies every chunk is durable" holds at the cost of one flush).
 */
export class ChunkWriter implements ChunkSink {
  private readonly used = new Set<string>();
  private readonly waiting: { key: string; resolve: (doomed: boolean) => void; reject: (e: unknown) => void }[] = [];
  private recording = false;

  constructor(
    private readonly store: MetadataStore,
    private readonly blobs: BlobStore,
    private readonly owner: string,
    private readonly signal?: AbortSignal,
  ) {}

  async putIfAbsent(key: string, data: Buffer, length = data.length): Promise<boolean> {
    await this.claim(key);
    return this.blobs.putIfAbsent(key, data, length, { deferSync: true });
  }

  /**
   * A chunk copied by the blob store from `fd` (BlobStore.stageCopy), whose publish
   * records its key as pending first, as putIfAbsent does; undefined where the store
   * cannot copy.
   */
  async stageCopy(fd: number, offset: number, length: number): Promise<StagedChunk | undefined> {
    const staged = await this.blobs.stageCopy?.(fd, offset, length);
    if (!staged) return undefined;
    return {
      read: (buf) => staged.read(buf),
      discard: () => staged.discard(),
      publish: async (key) => {
        try {
          await this.claim(key);
        } catch (e) {
          await staged.discard();
          throw e;
        }
        return staged.publish(key, { deferSync: true });
      },
    };
  }

  /** What every chunk this writer stores goes through first: pending, not doomed, flushed by flush(). */
  private async claim(key: string): Promise<void> {
    if (await this.recordPending(key)) await this.untilNotDoomed(key);
    this.used.add(key);
  }

  /**
   * Records `key` as pending (committed), then says whether a collector has announced its
   * deletion. Keys that arrive while a batch is in flight (the chunker's other lanes) go
   * in the next batch together: two metadata round trips per batch rather than per
   * chunk, which on PostgreSQL is a network round trip each.
   */
  private recordPending(key: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.recording) void this.recordWaiting();
    });
  }

  private async recordWaiting(): Promise<void> {
    this.recording = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        const keys = [...new Set(batch.map((w) => w.key))];
        await this.store.chunks.addPending(this.owner, keys);
        const doomed = await this.store.chunks.doomedAmong(keys);
        for (const w of batch) w.resolve(doomed.has(w.key));
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.recording = false;
  }

  /**
   * Makes every chunk put through this writer durable, and checks they are all there
   * (BlobStore.sync); call before committing. `named`: every key the manifests about to
   * be committed name. Those this writer did not put (a capture's chunks taken from its
   * backing image, durable since that image's commit) are checked to be there on a store
   * that can lose what it acknowledged (BlobStore.missingAmong), so that "every chunk a
   * manifest names is in the store" holds for them too; a missing one fails with
   * ChunksLostError, and the retry stores it again.
   */
  async flush(named: Iterable<string | null> = []): Promise<void> {
    await this.blobs.sync([...this.used]);
    const others = new Set<string>();
    for (const key of named) if (key !== null && !this.used.has(key)) others.add(key);
    const missing = await this.blobs.missingAmong(others);
    if (missing.size > 0) {
      throw new ChunksLostError(
        `${missing.size} chunks taken from the backing image are gone from ${this.blobs.location} (first: ${[...missing][0]}); reading them from the disk again`,
      );
    }
  }

  private async untilNotDoomed(key: string): Promise<void> {
    for (;;) {
      // An announcement outlives its collector only if the collector died; with our
      // pending record committed, no later collector will delete this chunk.
      if (!(await this.store.leases.held(CollectorLease))) {
        await this.store.chunks.clearDoom([key]);
        return;
      }
      this.signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, DOOM_POLL_MS));
      if (!(await this.store.chunks.doomedAmong([key])).has(key)) return;
    }
  }
}
