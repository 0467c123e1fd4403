/**
 * Fastify's not-found and error paths, answered in the shape of the dialect that owns the
 * URL (dialect-at.ts) instead of Fastify's own JSON: an unsupported method on `/` or
 * `/api/v2/zec`, an unknown path under `/api/v2/`, a body over the limit, a body Fastify
 * could not read. Installed on the root instance before the dialect plugins register,
 * so their encapsulated scopes inherit the error handler.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dialectAt, isZcServicePath, refusalAnswer, refusalMetricCode } from './dialect-at.ts';
import type { RequestMetrics } from './metrics.ts';
import { refusalForFrameworkError, type Refusal } from './refusal.ts';

export function installRefusalHandlers(app: FastifyInstance, metrics: RequestMetrics): void {
  // Bodies of requests no route takes are read as bytes whatever their type, so that
  // `PUT /` with an XML body is refused for its method, not for a media type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setNotFoundHandler((request, reply) => sendRefusal(request, reply, notFound(request), metrics));
  app.setErrorHandler((err: FastifyError, request, reply) => sendRefusal(request, reply, logged(request, err), metrics));
}

/** For Fastify's `frameworkErrors` option: errors raised while routing (bad URL, overlong path parameter). */
export function frameworkErrorHandler(metrics: RequestMetrics) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    void sendRefusal(request, reply, logged(request, err), metrics);
  };
}

function notFound(request: FastifyRequest): Refusal {
  const { method, url } = request;
  const dialect = dialectAt(url);
  if (dialect === 'ucloud') {
    return { kind: 'MethodNotAllowed', message: `HTTP method ${method} is not supported: UCloud API calls are GET or POST` };
  }
  if (dialect === 'zenlayer') {
    if (isZcServicePath(url)) return { kind: 'MethodNotAllowed', message: `HTTP method ${method} is not supported: ZEC API calls are POST` };
    return { kind: 'NotFound', message: 'no API is served at this path: ZEC API calls are POSTed to /api/v2/zec' };
  }
  return { kind: 'NotFound', message: `Route ${method}:${url} not found` };
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

export function sendRefusal(request: FastifyRequest, reply: FastifyReply, refusal: Refusal, metrics: RequestMetrics): FastifyReply {
  const dialect = dialectAt(request.url);
  if (dialect !== undefined) {
    const started = process.hrtime.bigint() - BigInt(Math.round(reply.elapsedTime * 1e6));
    metrics.observe(dialect, 'unknown', refusalMetricCode(dialect, refusal), started);
  }
  const answer = refusalAnswer(request.url, refusal);
  return reply.status(answer.status).headers(answer.headers).send(answer.body);
}
