import type { FastifyRequest } from 'fastify';
import { csrfMatches } from '../console/session/csrf.ts';
import { SESSION_COOKIE } from '../console/session/session-cookie.ts';
import type { Principal } from '../core/model.ts';
import type { KilnServices } from '../core/services.ts';
import { ExportError } from '../export/authenticate.ts';

/** The header the console's upload script sends its session's CSRF token in. */
export const UPLOAD_CSRF_HEADER = 'x-csrf-token';

/**
 * The console's browser upload authenticates with the console session, not a key: the
 * browser holds no key, only the HttpOnly session cookie. A cookie alone is ambient (any
 * request the browser makes carries it), so the request must also carry the session's CSRF
 * token in a header, which only a page of this origin can read and which no form or
 * cross-site request can set without a CORS preflight we never grant; and when the browser
 * names the request's origin (Origin, Sec-Fetch-Site) it must be this one. The session's
 * account is the principal, as for every console page.
 */
export async function consoleSessionPrincipal(services: KilnServices, request: FastifyRequest): Promise<Principal> {
  if (!sameOrigin(request)) throw new ExportError(403, 'PermissionDenied', 'console uploads are accepted from the console page of this origin only');
  const sessionId = cookieOf(request.headers.cookie, SESSION_COOKIE);
  const user = sessionId ? await services.consoleSessions.resolve(sessionId) : undefined;
  if (!user) throw new ExportError(401, 'NotSignedIn', 'sign in to the console first: the session is missing, expired or revoked');
  const offered = request.headers[UPLOAD_CSRF_HEADER];
  if (!csrfMatches(typeof offered === 'string' ? offered : undefined, user.csrfToken)) {
    throw new ExportError(403, 'PermissionDenied', `send the session's CSRF token in ${UPLOAD_CSRF_HEADER}; reload the console page and try again`);
  }
  return services.accounts.principal(user.accountId, undefined);
}

function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** The console registers @fastify/cookie in its own scope only; this endpoint reads the one cookie it needs. */
function cookieOf(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
