/**
 * Zenlayer response bodies. Success is HTTP 200 with the fields wrapped in `response`,
 * the request id both outside and inside; an error is a 4xx/5xx status with a flat
 * `{requestId, code, message}` body.
 */
import { randomUUID } from 'node:crypto';

export interface ZcErrorBody {
  requestId: string;
  code: string;
  message: string;
}

/** Request ids look like the vendor's: `T` + an upper-case UUID. */
export function newZcRequestId(): string {
  return `T${randomUUID().toUpperCase()}`;
}

export function zcSuccess(requestId: string, fields: object): { requestId: string; response: Record<string, unknown> } {
  // requestId first (as the vendor sends it), and again last so a field cannot replace it.
  return { requestId, response: Object.assign({ requestId }, fields, { requestId }) };
}

export function zcError(requestId: string, code: string, message: string): ZcErrorBody {
  return { requestId, code, message };
}

/** An error answer decided anywhere in the pipeline: status, code and message. */
export class ZcHttpError extends Error {
  override readonly name = 'ZcHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
