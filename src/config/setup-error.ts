/**
 * Something the installation lacks (a database, a role, a bucket, a credential), found
 * while opening a store. It is the operator's to fix, not a bug: commands print the
 * problem and the command that fixes it, never a stack trace.
 */
export class SetupError extends Error {
  override readonly name = 'SetupError';
  constructor(
    readonly problem: string,
    /** A command (or the one setting to change) that fixes it. */
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`${problem}\n  fix: ${fix}`, options);
  }
}
