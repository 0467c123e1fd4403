import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The field every console form carries its CSRF token in, and the header htmx sends it in. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** The token a request offers: the form field, or the header on requests htmx makes. */
export function offeredCsrf(request: FastifyRequest): string | undefined {
  const header = request.headers[CSRF_HEADER];
  if (typeof header === 'string') return header;
  const body = request.body;
  if (typeof body === 'object' && body !== null && CSRF_FIELD in body) {
    const v = (body as Record<string, unknown>)[CSRF_FIELD];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** Compared as digests, in constant time, so a guess learns nothing from how long the refusal took. */
export function csrfMatches(offered: string | undefined, expected: string): boolean {
  if (offered === undefined || expected === '') return false;
  const a = createHash('sha256').update(offered).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
