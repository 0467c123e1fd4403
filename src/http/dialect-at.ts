/**
 * Which dialect a request target belongs to, decided by the registry's dialects from the
 * path alone, so that refusals made before any route runs (unknown methods, header
 * overflow, body limits) can still be answered in that dialect's shape.
 */
import { STATUS_CODES } from 'node:http';
import type { Dialect } from '../dialects/dialect.ts';
import { dialects } from '../dialects/registry.ts';
import { refusalStatus, type Refusal, type WireAnswer } from '../wire/refusal.ts';

/** `target` is a request target: a path, possibly with a query string. */
export function dialectAt(target: string): Dialect | undefined {
  return dialects.find((d) => d.owns(target));
}

/**
 * The refusal in the shape of the dialect the target belongs to; outside the dialects, the
 * JSON shape Fastify uses for its own errors (health and metrics are not vendor APIs).
 */
export function refusalAnswer(target: string, refusal: Refusal): WireAnswer {
  const dialect = dialectAt(target);
  if (dialect !== undefined) return dialect.renderRefusal(refusal, target);
  const status = refusalStatus[refusal.kind];
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: refusal.message },
  };
}

/**
 * One answer every dialect's clients can read, for a refusal whose URL was not seen: each
 * dialect's fields and headers together (their names do not clash: UCloud's `RetCode` and
 * `Message` beside Zenlayer's `requestId`, `code` and `message`), with the standard HTTP
 * status, which the clients of dialects that signal errors by status need to see.
 */
export function refusalForAnyDialect(refusal: Refusal): WireAnswer {
  const answers = dialects.map((d) => d.renderRefusal(refusal));
  return {
    status: refusalStatus[refusal.kind],
    headers: Object.assign({}, ...answers.map((a) => a.headers)),
    body: Object.assign({}, ...answers.map((a) => a.body)),
  };
}
