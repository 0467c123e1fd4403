import type { FastifyRequest } from 'fastify';
import { KilnError } from '../../core/errors.ts';
import { userOf } from '../session/request-user.ts';

/**
 * Operator pages show and change the whole installation: only the admin account may open
 * them. Everyone else is refused with PermissionDenied before anything is read.
 */
export function requireOperator(request: FastifyRequest): void {
  if (!userOf(request).isAdmin) throw new KilnError('PermissionDenied', "only the installation's admin account may open operator pages");
}
