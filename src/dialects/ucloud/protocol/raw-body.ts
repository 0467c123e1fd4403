/**
 * Fastify glue for the protocol layer: hand route handlers the body bytes exactly as
 * received. Signatures are computed over what the client sent, so nothing may parse,
 * normalise or re-serialise the body before decodeUCloudRequest sees it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UCloudRequestInput } from './decode-request.ts';

/**
 * Makes `request.body` the raw bytes for every Content-Type, whatever its spelling.
 * Fastify's own parsers would parse JSON, turn text/plain into a string (which the
 * decoder would then never see, answering "Missing Action") and refuse other types with
 * its own 415; decodeUCloudRequest decides instead, and refuses in UCloud's shape.
 * Content-type parsers are encapsulated: call this inside the plugin that registers the
 * UCloud route so other dialects keep their own parsers:
 *
 *   app.register(async (scope) => {
 *     registerRawBodyParsers(scope);
 *     scope.route({ method: ['GET', 'POST'], url: '/', handler: ... });
 *   });
 */
export function registerRawBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
}

/** The decoder's input, read off a Fastify request whose body parsers are the raw ones above. */
export function ucloudRequestInput(request: FastifyRequest): UCloudRequestInput {
  const url = request.raw.url ?? request.url;
  const mark = url.indexOf('?');
  return {
    method: request.method,
    query: mark === -1 ? '' : url.slice(mark + 1),
    contentType: request.headers['content-type'],
    body: Buffer.isBuffer(request.body) ? request.body : undefined,
  };
}
