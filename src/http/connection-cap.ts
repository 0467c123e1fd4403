/**
 * A cap on open connections that keeps /healthz answering when it is reached. Node's own
 * `server.maxConnections` drops every connection over the cap before a byte is read, the
 * health checker's included, so a process held at its cap by slow clients would also be
 * killed by its orchestrator. Here connections over the cap are still accepted, up to a
 * small headroom, but each may carry one request and live a few seconds: /healthz is
 * answered, every other request is refused as Busy in its dialect's shape, and the
 * connection is closed. Only past cap + headroom does Node drop connections outright,
 * which bounds the file descriptors a flood can take.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { RequestObserver } from '../wire/request-observer.ts';
import { sendRefusal } from './refusal-handlers.ts';

/** Connections over the cap accepted for health checks (and refused API calls) at once. */
export const OVER_CAP_HEADROOM = 64;

/**
 * How long a connection over the cap may stay open. Its one request is small and answered
 * at once; a client trickling it (to hold a headroom slot) is cut here rather than at the
 * headers timeout.
 */
export const OVER_CAP_LIFETIME_MS = 5_000;

export class ConnectionCap {
  private open = 0;
  private readonly overCap = new WeakSet<Socket>();

  constructor(readonly max: number) {}

  attach(server: Server): void {
    server.maxConnections = this.max + OVER_CAP_HEADROOM;
    server.on('connection', (socket: Socket) => {
      this.open++;
      socket.once('close', () => this.open--);
      if (this.open <= this.max) return;
      this.overCap.add(socket);
      const timer = setTimeout(() => socket.destroy(), OVER_CAP_LIFETIME_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    });
  }

  /** True when `socket` was opened while the cap was reached. */
  isOverCap(socket: Socket): boolean {
    return this.overCap.has(socket);
  }
}

/**
 * Answers requests on connections over the cap: /healthz as usual, anything else refused
 * as Busy before its body is read; either way the connection closes after the answer.
 * Added on the root instance before any route, so it runs first for every route.
 */
export function installConnectionCap(app: FastifyInstance, cap: ConnectionCap, metrics: RequestObserver): void {
  cap.attach(app.server);
  app.addHook('onRequest', async (request, reply) => {
    if (!cap.isOverCap(request.raw.socket)) return;
    reply.header('connection', 'close');
    if (request.url === '/healthz' || request.url.startsWith('/healthz?')) return;
    const message = `the server is at its limit of ${cap.max} open connections; retry shortly`;
    return sendRefusal(request, reply, { kind: 'Busy', message }, metrics);
  });
}
