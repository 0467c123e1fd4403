/** A read of a chunk the store does not hold; the message names the key and the store. */
export class ChunkNotFoundError extends Error {
  override readonly name = 'ChunkNotFoundError';
  constructor(
    readonly key: string,
    location: string,
  ) {
    super(`chunk ${key} is not in ${location}`);
  }
}
