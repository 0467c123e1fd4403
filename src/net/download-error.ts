/**
 * A download failure whose `reason` is safe to show the user (it becomes the image's
 * FailedReason). `transient` marks failures a later attempt might not repeat (network
 * errors, timeouts, 5xx, truncation) as opposed to refusals and bad input.
 */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  readonly reason: string;
  readonly transient: boolean;

  constructor(reason: string, opts: { transient?: boolean; cause?: unknown } = {}) {
    super(reason, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.reason = reason;
    this.transient = opts.transient ?? false;
  }
}
