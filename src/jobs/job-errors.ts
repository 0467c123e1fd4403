/** A failure that retrying cannot fix (bad input); the job fails at once with this reason. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}
