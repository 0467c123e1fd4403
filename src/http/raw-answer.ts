/**
 * An answer written straight to a socket, for refusals Node's response object cannot
 * carry: before Fastify has a request (client-error.ts), or when the socket must outlive
 * the answer (lingering-close.ts).
 */
import { STATUS_CODES } from 'node:http';
import type { WireAnswer } from '../wire/refusal.ts';

/** The answer as HTTP/1.1 bytes, announcing that the connection closes after it. */
export function serialiseAnswer(answer: WireAnswer): string {
  const body = JSON.stringify(answer.body);
  const headers = Object.entries({ ...answer.headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n${headers}\r\n${body}`;
}
