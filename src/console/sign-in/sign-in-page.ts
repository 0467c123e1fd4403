import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignInCredential } from '../../core/accounts/console-sessions.ts';
import { KilnError } from '../../core/errors.ts';
import { PUBLIC_ROUTE, type ConsoleContext, type ConsolePage } from '../console-page.ts';
import { consoleRefusalOf } from '../shell/console-errors.ts';
import { csrfMatches, offeredCsrf } from '../session/csrf.ts';
import { clearConsoleCookie, SESSION_COOKIE, setConsoleCookie, SIGN_IN_CSRF_COOKIE } from '../session/session-cookie.ts';

/** Sign-in with an access key pair or an API token, and sign-out. */
export const signInPage: ConsolePage = {
  name: 'sign-in',
  routes(app, ctx) {
    const secure = ctx.services.config.console.secureCookie;

    app.get<{ Querystring: { next?: string } }>('/sign-in', { config: PUBLIC_ROUTE }, async (request, reply) =>
      showForm(ctx, request, reply, safeNext(request.query.next)),
    );

    app.post<{ Body: Record<string, string | undefined> }>('/sign-in', { config: PUBLIC_ROUTE }, async (request, reply) => {
      const body = request.body ?? {};
      const next = safeNext(body.next);
      // No session yet: the form's token must match the cookie set with the form.
      if (!csrfMatches(offeredCsrf(request), request.cookies[SIGN_IN_CSRF_COOKIE] ?? '')) {
        throw new KilnError('PermissionDenied', 'the sign-in form carried no valid CSRF token; reload the page and try again');
      }
      try {
        const { sessionId } = await ctx.services.consoleSessions.signIn(credentialOf(body), request.ip);
        setConsoleCookie(request, reply, SESSION_COOKIE, sessionId, secure);
        clearConsoleCookie(reply, SIGN_IN_CSRF_COOKIE);
        return reply.redirect(next, 303);
      } catch (e) {
        const refusal = consoleRefusalOf(e);
        if (refusal.code === 'Internal') throw e;
        reply.status(refusal.status);
        return showForm(ctx, request, reply, next, refusal, body.publicKey);
      }
    });

    app.post('/sign-out', async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) await ctx.services.consoleSessions.signOut(sessionId);
      clearConsoleCookie(reply, SESSION_COOKIE);
      return reply.redirect('/console/sign-in', 303);
    });
  },
};

async function showForm(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply, next: string, refusal?: unknown, publicKey?: string) {
  const token = randomBytes(32).toString('base64url');
  setConsoleCookie(request, reply, SIGN_IN_CSRF_COOKIE, token, ctx.services.config.console.secureCookie);
  return ctx.render(request, reply, 'sign-in', { title: 'Sign in', signInCsrf: token, next, refusal, publicKey: publicKey ?? '' });
}

function credentialOf(body: Record<string, string | undefined>): SignInCredential {
  const token = body.token?.trim();
  if (token) return { token };
  const publicKey = body.publicKey?.trim();
  const privateKey = body.privateKey?.trim();
  if (!publicKey || !privateKey) throw new KilnError('MissingParameter', 'give a public and a private key, or an API token');
  return { publicKey, privateKey };
}

/** Only a path inside the console: a `next` pointing elsewhere would make sign-in an open redirect. */
function safeNext(next: string | undefined): string {
  if (next && next.startsWith('/console/') && !next.startsWith('//') && !next.includes('\\')) return next;
  return '/console/';
}
