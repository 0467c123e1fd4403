/**
 * The body as the client sent it. ZC2-HMAC-SHA256 hashes the raw bytes, so no parser may
 * run before the signature is checked. Content-type parsers are encapsulated in Fastify:
 * call this inside the Zenlayer plugin's scope so the UCloud route keeps its own.
 */
import type { FastifyInstance } from 'fastify';

export function registerZcRawBody(app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/json')) app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Any other type is still signed as sent; decodeZcBody refuses what is not a JSON object.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}
