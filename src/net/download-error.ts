/**
 * A download failure whose `reason` is safe to show the user (it becomes the image's
 * FailedReason). `transient` marks failures a later attempt might not repeat (network
 * errors, timeouts, 5xx, truncation) as opposed to refusals and bad input. `status` is
 * the HTTP status when the failure is the server's answer.
 */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  readonly reason: string;
  readonly transient: boolean;
  readonly status: number | null;

  constructor(reason: string, opts: { transient?: boolean; cause?: unknown; status?: number } = {}) {
    super(reason, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.reason = reason;
    this.transient = opts.transient ?? false;
    this.status = opts.status ?? null;
  }
}
