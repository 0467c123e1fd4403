/**
 * Requests Node's HTTP parser refuses before Fastify ever sees them: a request line plus
 * headers over Node's `maxHeaderSize` (16 KiB unless `--max-http-header-size` changes it;
 * kept, as no real call comes near it, and a long UCloud query string lands here), a
 * malformed request, a request not received in time. Node would answer these itself with
 * a bare status line and Fastify with its own JSON; this writes the dialect's shape.
 *
 * There is no request object yet, so the dialect comes from the request line, read from
 * the bytes the parser failed on (`err.rawPacket`). Those bytes start at the request line
 * only when the whole head arrived in one read; when it came in several (a long request
 * line over a real network usually does) the path is gone and the answer is a body every
 * dialect's clients can read (dialect-at.ts, refusalForAnyDialect).
 */
import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { Refusal } from '../wire/refusal.ts';
import type { RequestObserver } from '../wire/request-observer.ts';
import { dialectAt, refusalAnswer, refusalForAnyDialect } from './dialect-at.ts';
import { serialiseAnswer } from './raw-answer.ts';

/**
 * Node's client errors carry the bytes being parsed (a Buffer; Fastify's type says its
 * JSON form, hence unknown and checked) and, for parse errors, an llhttp code.
 */
interface ClientError extends Error {
  code?: string;
  rawPacket?: unknown;
}

/**
 * How long a refused connection stays open after the answer, its further bytes read and
 * dropped, before it is destroyed (nginx's "lingering close"). Destroying it at once while
 * the client is still sending (the rest of a 1 MB query string) makes the kernel answer
 * with a reset, and a client still writing may report the reset instead of the answer.
 * On loopback the whole request is usually buffered before the refusal, so this matters
 * on real networks.
 */
const LINGER_MS = 2_000;

const answered = new WeakSet<Socket>();

export function clientErrorHandler(metrics: RequestObserver, log: FastifyBaseLogger) {
  return (err: ClientError, socket: Socket): void => {
    // Node may report later chunks of a refused connection again; it is answered once.
    if (answered.has(socket)) return;
    answered.add(socket);
    if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    const refusal = refusalForClientError(err);
    log.debug({ code: err.code, message: err.message }, 'client error');
    const target = requestTarget(err.rawPacket);
    const dialect = target === undefined ? undefined : dialectAt(target);
    if (dialect !== undefined) metrics.observe(dialect.name, 'unknown', dialect.refusalCode(refusal), process.hrtime.bigint());
    const answer = target === undefined ? refusalForAnyDialect(refusal) : refusalAnswer(target, refusal);
    socket.end(serialiseAnswer(answer));
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}

function refusalForClientError(err: ClientError): Refusal {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    const limit = `${maxHeaderSize / 1024} KiB`;
    return { kind: 'HeaderTooLarge', message: `the request line and headers exceed ${limit}; send long parameter lists in a POST body` };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { kind: 'Timeout', message: 'the request was not received in time' };
  return { kind: 'BadRequest', message: 'the request is not valid HTTP/1.1' };
}

/** The path and query of the request line at the start of `raw`, if that is where it starts. */
function requestTarget(raw: unknown): string | undefined {
  if (!Buffer.isBuffer(raw)) return undefined;
  // Enough of the target for every dialect to recognise its path (theirs are short).
  const head = raw.subarray(0, 256).toString('latin1');
  return /^[A-Z][A-Z-]{0,19} (\/[^ \r\n]*)/.exec(head)?.[1];
}
