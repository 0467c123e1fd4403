import { S3ServiceException } from '@aws-sdk/client-s3';

/** The HTTP status of a failed S3 call, or undefined when no response came back. */
export function s3Status(e: unknown): number | undefined {
  return e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
}

export function s3ErrorName(e: unknown): string {
  return e instanceof Error ? e.name : 'Error';
}

export function isNotFound(e: unknown): boolean {
  return s3Status(e) === 404 || ['NoSuchKey', 'NotFound'].includes(s3ErrorName(e));
}

/** 412: the condition failed, here If-None-Match: the object exists. */
export function isPreconditionFailed(e: unknown): boolean {
  return s3Status(e) === 412 || s3ErrorName(e) === 'PreconditionFailed';
}

/** 409: a conditional write raced another write of the same key; S3 asks to try again. */
export function isConditionalConflict(e: unknown): boolean {
  return s3Status(e) === 409 || s3ErrorName(e) === 'ConditionalRequestConflict';
}

/** 416: a range that starts at or after the end of the object. */
export function isInvalidRange(e: unknown): boolean {
  return s3Status(e) === 416 || s3ErrorName(e) === 'InvalidRange';
}

/** One line for operators: name, status and message, or the network error code. */
export function describeS3Error(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const status = s3Status(e);
  const code = (e as NodeJS.ErrnoException).code;
  const parts = [e.name];
  if (status !== undefined) parts.push(`HTTP ${status}`);
  if (code !== undefined && code !== e.name) parts.push(code);
  if (e.message && e.message !== e.name && e.message !== 'UnknownError') parts.push(e.message);
  return parts.join(': ');
}
