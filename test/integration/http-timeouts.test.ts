/**
 * Slow clients cannot hold the API's connections: trickled headers and endless chunked
 * bodies are cut by the headers and request timeouts, and past the connection cap only
 * /healthz is answered (every other request is refused in its dialect's shape) while the
 * connections under the cap stay as they are. The process runs with short timeouts and a
 * cap of 8 so each case takes a second or two; the bounds asserted are generous multiples.
 */
// stack-neutral: connection timeouts and the connection cap of the HTTP server; no answer it checks reads a store
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { rawExchange, type RawAnswer } from '../support/raw-http.ts';

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const MAX_CONNECTIONS = 8;
/** Far below the defaults these cases were held to before (72 s for headers, none for bodies). */
const CUT_WITHIN_MS = 15_000;

let kiln: KilnProcess;
const held: Socket[] = [];

before(async () => {
  kiln = await KilnProcess.start({
    KILN_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    KILN_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    KILN_HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
  });
});

after(async () => {
  for (const s of held) s.destroy();
  await kiln?.stop();
});

/** Writes `head` and then `drip` every 100 ms until the server closes; resolves with what it answered and how long it took. */
function trickle(head: string, drip: string): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(kiln.port, '127.0.0.1');
    let answer = '';
    const timer = setInterval(() => socket.writable && socket.write(drip), 100);
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the connection was still open after ${CUT_WITHIN_MS} ms`));
    }, CUT_WITHIN_MS);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ ms: Date.now() - started, answer });
    });
    socket.write(head);
  });
}

test('headers trickled a byte at a time are cut at the headers timeout', async () => {
  const { ms, answer } = await trickle('GET /?Action=DescribeImage HTTP/1.1\r\nHost: kiln\r\nX-Slow: ', 'a');
  assert.ok(ms >= HEADERS_TIMEOUT_MS, `cut after ${ms} ms, before the timeout`);
  // Answered in UCloud's shape where the request line could still be read.
  if (answer !== '') assert.match(answer, /"RetCode":230[\s\S]*not received in time/);
});

test('a chunked body that never ends is cut at the request timeout', async () => {
  const head = 'POST /api/v2/zec HTTP/1.1\r\nHost: kiln\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
  const { ms, answer } = await trickle(head, '1\r\n \r\n');
  assert.ok(ms >= REQUEST_TIMEOUT_MS, `cut after ${ms} ms, before the timeout`);
  if (answer !== '') assert.match(answer, /^HTTP\/1\.1 408 [\s\S]*"code":"REQUEST_TIMEOUT"/);
});

/** Opens a connection and makes one keep-alive request on it; the socket stays open. */
function keepAlive(path: string): Promise<{ socket: Socket; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(kiln.port, '127.0.0.1');
    let answer = '';
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      const end = answer.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(answer)?.[1];
      if (end !== -1 && length !== undefined && answer.length >= end + 4 + Number(length)) resolve({ socket, answer });
    });
    socket.on('close', () => reject(new Error(`closed before a complete answer: ${answer.slice(0, 200)}`)));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: kiln\r\nConnection: keep-alive\r\n\r\n`);
  });
}

function json(a: RawAnswer): Record<string, unknown> {
  return JSON.parse(a.body) as Record<string, unknown>;
}

test('past the connection cap /healthz still answers and API calls are refused in each dialect shape', async () => {
  // Hold idle keep-alive connections until the server says it will close one: that
  // connection was over the cap. (Other idle connections of this process may count too.)
  let overCap = false;
  for (let i = 0; i < MAX_CONNECTIONS * 4 && !overCap; i++) {
    const { socket, answer } = await keepAlive('/healthz');
    assert.match(answer, /^HTTP\/1\.1 200/);
    held.push(socket);
    overCap = /\r\nconnection: close\r\n/i.test(answer);
  }
  assert.ok(overCap, `${held.length} open connections and none was over the cap of ${MAX_CONNECTIONS}`);

  const health = await rawExchange(kiln.port, ['GET /healthz HTTP/1.1\r\nHost: kiln\r\n\r\n']);
  assert.equal(health.status, 200, health.body);
  assert.equal(json(health).status, 'ok');
  assert.equal(health.headers.connection, 'close');

  const ucloud = await rawExchange(kiln.port, ['GET /?Action=DescribeImage HTTP/1.1\r\nHost: kiln\r\n\r\n']);
  assert.equal(ucloud.status, 200, ucloud.body);
  assert.equal(json(ucloud).RetCode, 150, ucloud.body);
  assert.equal(json(ucloud).Action, 'DescribeImageResponse', ucloud.body);
  assert.match(String(json(ucloud).Message), /limit of 8 open connections/);

  const body = '{}';
  const zec = await rawExchange(kiln.port, [
    `POST /api/v2/zec HTTP/1.1\r\nHost: kiln\r\nContent-Type: application/json\r\nX-ZC-Action: DescribeImages\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  ]);
  assert.equal(zec.status, 429, zec.body);
  assert.equal(json(zec).code, 'REQUEST_LIMIT_EXCEEDED', zec.body);
  assert.equal(typeof json(zec).requestId, 'string');

  // The connections under the cap were not disturbed, and once they go the API answers again.
  for (const s of held.slice(0, -1)) assert.equal(s.readyState, 'open');
  for (const s of held.splice(0)) s.destroy();
  const again = await waitFor(
    'the API to answer below the cap',
    async () => {
      const a = await rawExchange(kiln.port, ['GET /?Action=DescribeImage HTTP/1.1\r\nHost: kiln\r\n\r\n']);
      return json(a).RetCode === 150 ? undefined : a;
    },
    10_000,
  );
  // Unsigned, so refused for its signature: what matters is that it reached the dialect.
  assert.notEqual(json(again).RetCode, 150, again.body);
});
