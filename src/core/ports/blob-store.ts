/**
 * Immutable, content-addressed chunks. Keys name the content and its hash algorithm
 * (core/chunks/content-key.ts), so a put of an existing key is a no-op and concurrent
 * writers cannot conflict.
 *
 * The store keeps no timestamps that garbage collection trusts: which chunks are in use
 * is known to the metadata store alone (manifest references and pending references).
 */
export interface BlobStore {
  /** Where the chunks live, for logs and operators (a directory, or s3://bucket/prefix). */
  readonly location: string;
  /**
   * Stores `data[0, length)` under `key` unless a chunk with that key exists; never
   * exposes a partial chunk. Returns true when this call wrote the chunk. With
   * `deferSync`, a store that makes writes durable itself (a local directory with fsync
   * on) leaves that to a later `sync` of the keys, so many chunks share one flush.
   */
  putIfAbsent(key: string, data: Buffer, length?: number, opts?: { deferSync?: boolean }): Promise<boolean>;
  /**
   * Makes the given chunks durable (written with deferSync, by this or another writer).
   * A store that can lose what it acknowledged (an S3-compatible server restarted without
   * its data) also checks they are all there and fails with ChunksLostError if not.
   * Callers sync every chunk a manifest will reference before committing it.
   */
  sync(keys: string[]): Promise<void>;
  /**
   * Of chunks stored and made durable earlier (a capture's chunks taken from its backing
   * image, durable since that image was committed), those the store no longer holds. A
   * store that can lose what it acknowledged (an S3-compatible server restarted without
   * its data) looks each one up; one that cannot (a local directory, whose chunks go only
   * when the collector deletes them, which the caller's pending or manifest references
   * hold off) answers none without looking.
   */
  missingAmong(keys: Iterable<string>): Promise<Set<string>>;
  /** Reads the whole chunk into `buf` (at least the chunk's size); returns its length. */
  readInto(key: string, buf: Buffer): Promise<number>;
  /**
   * Where the store keeps chunks as local files: copies the chunk into the open file `fd`
   * at offset `at` inside the kernel (no pass through this process's memory), leaving its
   * zero blocks unwritten, so `fd` must read as zeros there; returns the chunk's length, or
   * undefined when the kernel could not copy it and the caller should read it instead.
   * Fails like readInto for a missing chunk, and for one longer than `maxLength`.
   */
  copyInto?(key: string, fd: number, at: number, maxLength: number): Promise<number | undefined>;
  /**
   * Where the store keeps chunks as local files: starts a chunk as a copy, inside the kernel,
   * of `[offset, offset + length)` of the open file `fd` (its holes stay holes), with no name
   * yet. The caller reads the copy back to find its key and publishes or discards it, so a
   * key always names the bytes stored, even if the source changes meanwhile. Undefined when
   * the kernel cannot copy here, or a write from the caller's buffer costs less (LocalBlobStore
   * with fsync and O_DIRECT): the caller reads the source and calls putIfAbsent.
   */
  stageCopy?(fd: number, offset: number, length: number): Promise<StagedChunk | undefined>;
  /** Reads up to `length` bytes from `offset` of the chunk into `buf`; returns the bytes read. */
  readRange(key: string, offset: number, length: number, buf: Buffer): Promise<number>;
  has(key: string): Promise<boolean>;
  /** Deletes a chunk; deleting a missing chunk is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every stored chunk key in ascending (code-unit) order, a page at a time (at most `pageSize`
   * keys a page), starting after `after` when given. Memory stays bounded by one page.
   */
  list(opts?: { after?: string; pageSize?: number }): AsyncIterable<string[]>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}

/** A chunk copied into the store without a name yet (BlobStore.stageCopy). Every path ends in publish or discard. */
export interface StagedChunk {
  /** Fills `buf[0, length)` with the staged bytes (the chunk's length). */
  read(buf: Buffer): Promise<void>;
  /** As putIfAbsent of the staged bytes under `key`, which names them; releases the copy either way. */
  publish(key: string, opts?: { deferSync?: boolean }): Promise<boolean>;
  /** Drops the copy (an all-zero chunk, or a failure before publish). */
  discard(): Promise<void>;
}

/**
 * Chunks a manifest is about to name are not in the store: a store that came back from
 * an outage without data it had acknowledged. The job's retry writes them again.
 */
export class ChunksLostError extends Error {
  override readonly name = 'ChunksLostError';
}
