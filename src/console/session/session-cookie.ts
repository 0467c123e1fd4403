import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'kiln_session';
/** Before sign-in there is no session to hold a CSRF token, so the sign-in form double-submits this cookie. */
export const SIGN_IN_CSRF_COOKIE = 'kiln_sign_in_csrf';

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), scoped to
 * the console's path, and Secure when the request came over TLS or a TLS proxy stands in
 * front (KILN_CONSOLE_SECURE_COOKIE). No Max-Age: the server decides expiry, the browser
 * drops it when it closes.
 */
export function setConsoleCookie(request: FastifyRequest, reply: FastifyReply, name: string, value: string, secureAlways: boolean): void {
  reply.setCookie(name, value, {
    path: '/console',
    httpOnly: true,
    sameSite: 'strict',
    secure: secureAlways || request.protocol === 'https',
  });
}

export function clearConsoleCookie(reply: FastifyReply, name: string): void {
  reply.clearCookie(name, { path: '/console', httpOnly: true, sameSite: 'strict' });
}
