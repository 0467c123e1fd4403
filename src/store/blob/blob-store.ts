/**
 * Immutable, content-addressed chunks. Keys are lowercase hex SHA-256 of the content,
 * so a put of an existing key is a no-op and concurrent writers cannot conflict.
 */
export interface BlobStore {
  /**
   * Stores `data` under `key` unless present. An existing chunk has its timestamp
   * refreshed so garbage collection sees it as in use by the current job.
   * Returns true when this call wrote the chunk.
   */
  putIfAbsent(key: string, data: Buffer, length?: number): Promise<boolean>;
  /** Reads the whole chunk into `buf`; returns its length. */
  readInto(key: string, buf: Buffer): Promise<number>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every stored chunk with its last-touched time, for garbage collection. */
  list(): AsyncIterable<{ key: string; touchedAt: number }>;
}

export const chunkKeyPattern = /^[0-9a-f]{64}$/;

export function assertChunkKey(key: string): void {
  // Keys become file names and object keys: never let anything else through.
  if (!chunkKeyPattern.test(key)) throw new Error(`invalid chunk key: ${JSON.stringify(key)}`);
}
