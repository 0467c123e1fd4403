import type { FastifyRequest } from 'fastify';
import { KilnError } from '../../core/errors.ts';
import type { SessionUser } from '../../core/accounts/console-sessions.ts';

// Kept beside the request rather than declared on Fastify's request type, which every
// other surface shares.
const users = new WeakMap<FastifyRequest, SessionUser>();

export function setUserOf(request: FastifyRequest, user: SessionUser): void {
  users.set(request, user);
}

/** The signed-in user of a request the session gate let through. */
export function userOf(request: FastifyRequest): SessionUser {
  const user = users.get(request);
  if (!user) throw new KilnError('Internal', 'console route ran without a session');
  return user;
}

/** The user when there is one (public routes: the sign-in page, error pages). */
export function maybeUserOf(request: FastifyRequest): SessionUser | undefined {
  return users.get(request);
}
