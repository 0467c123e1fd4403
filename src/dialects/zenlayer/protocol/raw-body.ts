/**
 * The body as the client sent it. ZC2-HMAC-SHA256 hashes the raw bytes, so no parser may
 * run before the signature is checked. Content-type parsers are encapsulated in Fastify:
 * call this inside the Zenlayer plugin's scope so the UCloud route keeps its own.
 * checkZcRawBody then refuses media types and shapes that cannot be a usable JSON body,
 * and decodeZcBody whatever still is not a JSON object.
 */
import type { FastifyInstance } from 'fastify';

export function registerZcRawBody(app: FastifyInstance): void {
  // Fastify's defaults (JSON, text/plain) would hand the route a parsed value instead of
  // the bytes; within this scope every type, whatever its spelling, arrives as a Buffer.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}
