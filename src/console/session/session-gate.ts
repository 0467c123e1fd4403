import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConsoleSessionService } from '../../core/accounts/console-sessions.ts';
import { KilnError } from '../../core/errors.ts';
import { csrfMatches, offeredCsrf } from './csrf.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import { setUserOf } from './request-user.ts';

/**
 * Before every console route: resolves the session cookie to its user, sends a browser
 * without one to the sign-in page (reads) or refuses (changes), and refuses any change
 * whose CSRF token is not its session's. Routes with `config: PUBLIC_ROUTE` pass without
 * a session; they check their own token (sign-in).
 */
export function installSessionGate(app: FastifyInstance, sessions: ConsoleSessionService): void {
  app.addHook('preHandler', async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    const user = sessionId ? await sessions.resolve(sessionId) : undefined;
    if (user) setUserOf(request, user);
    if (isPublic(request)) return;
    const reading = request.method === 'GET' || request.method === 'HEAD';
    if (!user) {
      if (reading && request.headers.accept !== 'text/event-stream') {
        return reply.redirect(`/console/sign-in?next=${encodeURIComponent(request.url)}`, 303);
      }
      throw new KilnError('NotSignedIn', 'sign in first: the session is missing, expired or revoked');
    }
    if (!reading && !csrfMatches(offeredCsrf(request), user.csrfToken)) {
      throw new KilnError('PermissionDenied', 'the form carried no valid CSRF token; reload the page and try again');
    }
  });
}

function isPublic(request: FastifyRequest): boolean {
  const config: unknown = request.routeOptions.config;
  return typeof config === 'object' && config !== null && 'consolePublic' in config && config.consolePublic === true;
}
