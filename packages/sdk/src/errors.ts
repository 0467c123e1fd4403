/** Errors the SDK throws; every API error carries the vendor's code. */

export class KilnSdkError extends Error {
  override name = 'KilnSdkError';
}

/** The server answered with an error: UCloud RetCode ≠ 0, or a ZEC 4xx/5xx. */
export class ApiError extends KilnSdkError {
  override name = 'ApiError';
  constructor(
    readonly action: string,
    /** The vendor's code: the RetCode as a string (`"230"`) or the ZEC code (`"INVALID_IMAGE_NOT_FOUND"`). */
    readonly code: string,
    message: string,
    /** HTTP status (always 200 for UCloud errors). */
    readonly status: number,
    readonly requestId: string | undefined,
  ) {
    super(`${action}: ${code}: ${message}`);
  }

  /** The UCloud RetCode, or undefined for ZEC errors. */
  get retCode(): number | undefined {
    return /^\d+$/.test(this.code) ? Number(this.code) : undefined;
  }

  /** The server asked the caller to slow down or come back (UCloud 153, HTTP 429/503, ZEC REQUEST_LIMIT_EXCEEDED). */
  get throttled(): boolean {
    return this.code === '153' || this.status === 429 || this.status === 503 || this.code === 'REQUEST_LIMIT_EXCEEDED';
  }
}

/** The request never got an answer (connection refused or reset, DNS, a cut body). */
export class NetworkError extends KilnSdkError {
  override name = 'NetworkError';
  constructor(
    readonly action: string,
    override readonly cause: unknown,
  ) {
    super(`${action}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** A waiter gave up: its timeout passed before the image settled. */
export class WaitTimeoutError extends KilnSdkError {
  override name = 'WaitTimeoutError';
}

/** A waited-for image ended failed; `reason` is its FailedReason. */
export class ImageFailedError extends KilnSdkError {
  override name = 'ImageFailedError';
  constructor(
    readonly imageId: string,
    readonly reason: string,
  ) {
    super(`image ${imageId} failed: ${reason || 'no reason given'}`);
  }
}
