import { ZcCode } from './error-codes.ts';
import { ZcHttpError } from './envelope.ts';

/**
 * The action parameters: a JSON object of camelCase names. Parsed only after the
 * signature over the raw bytes has been checked. An empty body means no parameters
 * (Describe* calls with nothing set send `{}` or nothing at all).
 */
export function decodeZcBody(raw: Buffer | undefined): Record<string, unknown> {
  if (!raw || raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ZcHttpError(400, ZcCode.InvalidParameterType, 'the request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ZcHttpError(400, ZcCode.InvalidParameterType, 'the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
