/**
 * One HTTP/1.1 exchange over a raw socket, for requests fetch will not send as needed: a
 * request line of a megabyte, or a head split across reads with a pause between them.
 * Bounded: the answer is read until the server closes or its Content-Length arrives, or
 * the exchange fails after `timeoutMs`.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

export async function rawExchange(port: number, parts: string[], opts: { pauseMs?: number; timeoutMs?: number } = {}): Promise<RawAnswer> {
  const socket = connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no complete answer within ${opts.timeoutMs ?? 10_000} ms: ${received.toString('latin1').slice(0, 300)}`)),
      opts.timeoutMs ?? 10_000,
    );
    const finish = (closed = false) => {
      const parsed = parse(received, closed);
      if (parsed === undefined) return false;
      clearTimeout(timer);
      resolve(parsed);
      return true;
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (finish()) socket.destroy();
    });
    // The server may close while this side is still writing the rest of a huge request;
    // what matters is the answer it wrote first.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (!finish(true)) {
        clearTimeout(timer);
        reject(new Error(`connection closed without a complete answer: ${received.toString('latin1').slice(0, 300)}`));
      }
    });
  });
  for (const [index, part] of parts.entries()) {
    if (index > 0 && opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    if (socket.destroyed) break;
    socket.write(part);
  }
  return answer;
}

/** The answer, once complete: its Content-Length has arrived, or (without one) the server closed. */
function parse(bytes: Buffer, closed: boolean): RawAnswer | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = bytes.subarray(end + 4);
  const length = headers['content-length'] === undefined ? (closed ? body.length : NaN) : Number(headers['content-length']);
  if (!Number.isFinite(length) || body.length < length) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8') };
}
