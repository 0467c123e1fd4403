import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kiln } from '../app/kiln.ts';
import { dialects } from '../dialects/registry.ts';
import { docsRoutes } from '../generate/docs-routes.ts';
import { exportRoutes } from '../export/routes.ts';
import { uploadRoutes } from '../upload/routes.ts';
import { clientErrorHandler } from './client-error.ts';
import { ConnectionCap, installConnectionCap } from './connection-cap.ts';
import { RequestMetrics } from './metrics.ts';
import { frameworkErrorHandler, installRefusalHandlers } from './refusal-handlers.ts';
import { MAX_BODY_BYTES } from '../wire/request-limits.ts';

/** The HTTP surface: health, metrics, the generated reference docs, image progress, download and upload, and the plugin of every dialect in the registry. */
export async function buildServer(kiln: Kiln): Promise<FastifyInstance> {
  const metrics = new RequestMetrics(kiln.store.jobs);
  // Per-request access logs are Fastify's info lines; metrics count requests instead.
  // pino's Logger carries more than Fastify's logger type; Fastify only uses the base methods.
  const log = kiln.log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger;
  const limits = kiln.config.http;
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: MAX_BODY_BYTES,
    // Bodies are at most 1 MiB and answers small, so a request that has not arrived within
    // seconds is a client holding the connection (slow headers, an endless chunked body).
    // Node's defaults let one hold it for 300 s, Fastify's for ever.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node enforces both timeouts on this sweep (30 s by default), so a 10 s limit
      // could bite at 40 s; a sweep of the open connections every second costs nothing.
      connectionsCheckingInterval: 1_000,
    },
    // Every refusal on a dialect's URL is answered in that dialect's shape, including the
    // ones made before routing (framework errors) and before Fastify (client errors).
    frameworkErrors: frameworkErrorHandler(metrics),
    clientErrorHandler: clientErrorHandler(metrics, log),
  });
  // Before the dialects register: their encapsulated scopes inherit the error handler.
  installRefusalHandlers(app, metrics);
  installConnectionCap(app, new ConnectionCap(limits.maxConnections), metrics);
  app.get('/healthz', async (_req, reply) => {
    try {
      await withTimeout(kiln.store.now(), HEALTH_TIMEOUT_MS, 'no answer from the database');
      return { status: 'ok' };
    } catch (e) {
      // A load balancer takes the process out of rotation until its database answers again.
      return reply.status(503).send({ status: 'unavailable', reason: `metadata store: ${e instanceof Error ? e.message : String(e)}` });
    }
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  docsRoutes(app);
  exportRoutes(app, { services: kiln.services, images: kiln.store.images, blobs: kiln.blobs });
  uploadRoutes(app, kiln.services);
  for (const dialect of dialects) await app.register(dialect.plugin(kiln.services, metrics));
  return app;
}

/** How long /healthz waits for the database: a health check that hangs is no answer either. */
const HEALTH_TIMEOUT_MS = 3_000;

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`${message} within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
