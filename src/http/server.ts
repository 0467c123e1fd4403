import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kiln } from '../app/kiln.ts';
import { ucloudDialect } from '../dialects/ucloud/plugin.ts';
import { zenlayerDialect } from '../dialects/zenlayer/plugin.ts';
import { RequestMetrics } from './metrics.ts';

/** The HTTP surface: health, metrics, and one plugin per vendor dialect. */
export async function buildServer(kiln: Kiln): Promise<FastifyInstance> {
  const app = Fastify({
    // Per-request access logs are Fastify's info lines; metrics count requests instead.
    // pino's Logger carries more than Fastify's logger type; Fastify only uses the base methods.
    loggerInstance: kiln.log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
  });
  const metrics = new RequestMetrics(kiln.store.jobs);
  app.get('/healthz', async () => {
    await kiln.store.jobs.countByState();
    return { status: 'ok' };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  await app.register(ucloudDialect(kiln.services, metrics));
  await app.register(zenlayerDialect(kiln.services, metrics));
  return app;
}
