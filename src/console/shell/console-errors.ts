import type { FastifyError } from 'fastify';
import { ErrorCodes, KilnError, type ErrorCode } from '../../core/errors.ts';
import { ExportError } from '../../export/authenticate.ts';

/**
 * The console's answer to a refusal: Kiln's own shape (HTTP status, a code from the
 * catalogue, a message), shown on a page. The status follows what the code means.
 */
export interface ConsoleRefusal {
  status: number;
  code: ErrorCode;
  message: string;
}

const statusOf: Partial<Record<ErrorCode, number>> = {
  MissingParameter: 400,
  InvalidParameter: 400,
  RegionNotFound: 400,
  ZoneNotFound: 400,
  NameTaken: 409,
  CopyToSource: 400,
  QuotaExceeded: 409,
  InstanceQuotaExceeded: 409,
  DiskQuotaExceeded: 409,
  ShareAccountNotFound: 400,
  AccountNotFound: 404,
  ProjectNotFound: 404,
  ImageNotFound: 404,
  InstanceNotFound: 404,
  DiskNotFound: 404,
  ImageNotCustom: 409,
  ImageNotAvailable: 409,
  ImageBusy: 409,
  InstanceNotStopped: 409,
  InstanceNotRunning: 409,
  InstanceBusy: 409,
  GpuInstanceNotSupported: 409,
  PermissionDenied: 403,
  SignInFailed: 401,
  NotSignedIn: 401,
  SignInThrottled: 429,
  Internal: 500,
};

export function consoleRefusalOf(err: unknown): ConsoleRefusal {
  if (err instanceof KilnError) return { status: statusOf[err.code] ?? 400, code: err.code, message: err.message };
  // The download the console shares with /v1/images/download refuses in that endpoint's terms.
  if (err instanceof ExportError) {
    const code = ErrorCodes.find((c) => c === err.code) ?? 'InvalidParameter';
    return { status: err.status, code, message: err.message };
  }
  const fe = err as Partial<FastifyError>;
  // Fastify's own client errors (an unreadable body, one over the limit) are the caller's.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: 'InvalidParameter', message: fe.message ?? 'bad request' };
  }
  return { status: 500, code: 'Internal', message: 'the console failed to answer; the server log has the details' };
}
