/**
 * Answering a request whose body is refused unread (over the body limit), then closing
 * the connection without losing that answer. Destroying a socket while the client is
 * still sending makes the kernel answer the unread bytes with a reset, and a client still
 * writing its body may report the reset (EPIPE, ECONNRESET) instead of the answer it was
 * sent. So, like nginx's "lingering close", the answer goes out with `Connection: close`
 * and the rest of the body is read and dropped until it ends, or until a bound is met:
 * bytes dropped, time since the last byte, or time in all.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WireAnswer } from '../wire/refusal.ts';
import { serialiseAnswer } from './raw-answer.ts';

/** Most body bytes read and dropped after the answer: a few times the largest body read at all. */
const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/** A client that stops sending for this long has had its answer and is not finishing the body. */
const LINGER_IDLE_MS = 2_000;

/** Whatever the client does, the connection is closed this long after the answer. */
const LINGER_TOTAL_MS = 10_000;

/**
 * Sends `answer` and lingers. Node's own response would destroy the socket as soon as the
 * answer is written (`Connection: close`), so the reply is taken from Fastify and the
 * answer written on the socket; the request's body still flows through Node's parser and
 * is dropped here.
 */
export function answerThenLinger(request: FastifyRequest, reply: FastifyReply, answer: WireAnswer): FastifyReply {
  reply.hijack();
  const socket = request.raw.socket;
  // Half-closed: the answer and a FIN go out, the body keeps coming in.
  socket.end(serialiseAnswer(answer));
  dropRestOfBody(request.raw, () => socket.destroy());
  return reply;
}

function dropRestOfBody(body: IncomingMessage, close: () => void): void {
  let dropped = 0;
  const timer = (ms: number) => setTimeout(done, ms).unref();
  let idle = timer(LINGER_IDLE_MS);
  const total = timer(LINGER_TOTAL_MS);
  function done(): void {
    clearTimeout(idle);
    clearTimeout(total);
    close();
  }
  body.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_MAX_BYTES) return done();
    clearTimeout(idle);
    idle = timer(LINGER_IDLE_MS);
  });
  // The whole body has arrived (or the client went away): nothing is left to reset.
  body.once('end', done);
  body.once('error', done);
  body.once('close', done);
  body.resume();
}
