/**
 * A store could not be reached (the database restarting or failing over, the blob store
 * down, the network cut) for longer than the caller was willing to retry. Unlike a
 * refusal it says nothing about the request: the same work may succeed later, so a job
 * that meets it is released to be retried after a pause rather than failed.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(
    readonly store: 'metadata' | 'blob',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
