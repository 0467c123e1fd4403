/**
 * Fastify's not-found and error paths, answered in the shape of the dialect that owns the
 * URL (dialect-at.ts) instead of Fastify's own JSON: a method a dialect does not serve on
 * its URL, an unknown path under its prefix, a body over the limit, a body Fastify could
 * not read. Installed on the root instance before the dialect plugins register, so their
 * encapsulated scopes inherit the error handler.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Refusal } from '../wire/refusal.ts';
import type { RequestObserver } from '../wire/request-observer.ts';
import { dialectAt, refusalAnswer } from './dialect-at.ts';
import { refusalForFrameworkError } from './framework-refusal.ts';
import { answerThenLinger } from './lingering-close.ts';

export function installRefusalHandlers(app: FastifyInstance, metrics: RequestObserver): void {
  // Bodies of requests no route takes are read as bytes whatever their type, so that
  // `PUT /` with an XML body is refused for its method, not for a media type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setNotFoundHandler((request, reply) => sendRefusal(request, reply, notFound(request), metrics));
  app.setErrorHandler((err: FastifyError, request, reply) => sendRefusal(request, reply, logged(request, err), metrics));
}

/** For Fastify's `frameworkErrors` option: errors raised while routing (bad URL, overlong path parameter). */
export function frameworkErrorHandler(metrics: RequestObserver) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    void sendRefusal(request, reply, logged(request, err), metrics);
  };
}

function notFound(request: FastifyRequest): Refusal {
  const { method, url } = request;
  return dialectAt(url)?.notFound(method, url) ?? { kind: 'NotFound', message: `Route ${method}:${url} not found` };
}

/**
 * The refusal for an error that reached Fastify's error path. Client mistakes are logged
 * at debug without a stack; only server faults are errors worth a stack trace.
 */
function logged(request: FastifyRequest, err: FastifyError): Refusal {
  const refusal = refusalForFrameworkError(err);
  if (refusal.kind === 'Internal') request.log.error({ err }, 'request failed');
  else request.log.debug({ code: err.code, message: err.message }, 'request refused');
  return refusal;
}

export function sendRefusal(request: FastifyRequest, reply: FastifyReply, refusal: Refusal, metrics: RequestObserver): FastifyReply {
  const dialect = dialectAt(request.url);
  if (dialect !== undefined) {
    const started = process.hrtime.bigint() - BigInt(Math.round(reply.elapsedTime * 1e6));
    metrics.observe(dialect.name, 'unknown', dialect.refusalCode(refusal), started);
  }
  const answer = refusalAnswer(request.url, refusal);
  // A body over the limit is refused before it is read, while the client may still be sending it.
  if (refusal.kind === 'BodyTooLarge') return answerThenLinger(request, reply, answer);
  return reply.status(answer.status).headers(answer.headers).send(JSON.stringify(answer.body));
}
