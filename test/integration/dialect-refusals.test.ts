/**
 * Refusals made outside the actions (body limit, media type, method, path, header size)
 * come back in the shape of the dialect whose URL was called: UCloud's HTTP 200 with
 * `{RetCode, Message}`, Zenlayer's HTTP status with `{requestId, code, message}`. Never
 * Fastify's or Node's own JSON.
 */
// stack-neutral: refusals made by the HTTP layer before any action runs (body, media type, method, path, headers), in each dialect's shape
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { rawExchange, type RawAnswer } from '../support/raw-http.ts';

let kiln: KilnProcess;

before(async () => {
  kiln = await KilnProcess.start();
});

after(async () => kiln?.stop());

const TWO_MIB = Buffer.alloc(2 * 1024 * 1024, 0x61);
const NON_JSON_TYPES = ['application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', undefined] as const;

interface Answer {
  status: number;
  headers: Headers | Record<string, string>;
  body: Record<string, unknown>;
}

async function send(method: string, path: string, contentType?: string, body?: string | Buffer): Promise<Answer> {
  const r = await fetch(`${kiln.baseUrl}${path}`, {
    method,
    // A Buffer body gets no Content-Type from fetch; a string would get text/plain.
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : Buffer.from(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: parseJson(text, r.status) };
}

function fromRaw(r: RawAnswer): Answer {
  return { status: r.status, headers: r.headers, body: parseJson(r.body, r.status) };
}

function parseJson(text: string, status: number): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`non-JSON answer (${status}): ${text.slice(0, 200)}`);
  }
}

function header(a: Answer, name: string): string | undefined {
  return a.headers instanceof Headers ? (a.headers.get(name) ?? undefined) : a.headers[name];
}

/** UCloud's shape: HTTP 200 (the Go SDK reads no body above 399), RetCode 230, a request id. */
function assertUCloudRefusal(a: Answer, message: RegExp, action?: string): void {
  const shown = JSON.stringify(a.body);
  assert.equal(a.status, 200, shown);
  assert.equal(a.body.RetCode, 230, shown);
  assert.match(String(a.body.Message), message, shown);
  assert.equal(a.body.Action, action === undefined ? undefined : `${action}Response`, shown);
  assert.deepEqual(Object.keys(a.body).sort(), action === undefined ? ['Message', 'RetCode'] : ['Action', 'Message', 'RetCode'], shown);
  assert.ok(header(a, 'x-ucloud-request-uuid'), 'a UCloud answer carries its request id');
}

/** Zenlayer's shape: the HTTP status, and exactly requestId, code and message. */
function assertZcRefusal(a: Answer, status: number, code: string, message: RegExp): void {
  const shown = JSON.stringify(a.body);
  assert.equal(a.status, status, shown);
  assert.deepEqual(Object.keys(a.body).sort(), ['code', 'message', 'requestId'], shown);
  assert.equal(a.body.code, code, shown);
  assert.match(String(a.body.requestId), /^T[0-9A-F-]{36}$/, shown);
  assert.match(String(a.body.message), message, shown);
}

function megabyteQuery(path: string): string {
  return `GET ${path}?${'a'.repeat(1_000_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
}

test('UCloud: a body over 1 MiB is RetCode 230 at HTTP 200, named after the Action in the query', async () => {
  assertUCloudRefusal(await send('POST', '/?Action=DescribeImage', 'application/x-www-form-urlencoded', TWO_MIB), /larger than 1 MiB/, 'DescribeImage');
  assertUCloudRefusal(await send('POST', '/', 'application/json', TWO_MIB), /larger than 1 MiB/);
});

test('a client still sending a refused body gets the answer, then a clean close once the body is sent', { timeout: 30_000 }, async () => {
  // The answer comes when the head arrives; the body is written only after it is read, so
  // a server that closed at once would reset the connection under these writes.
  const length = 3 * 1024 * 1024;
  // Half-open, as a client sending a body is: the server's FIN after the answer does not end this side.
  const socket = connect({ port: kiln.port, host: '127.0.0.1', allowHalfOpen: true });
  const errors: Error[] = [];
  socket.on('error', (e) => errors.push(e));
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (text: string) => (received += text));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const head = `POST /api/v2/zec HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  socket.write(head);
  const deadline = AbortSignal.timeout(10_000);
  while (!received.includes('INVALID_REQUEST_BODY')) {
    if (deadline.aborted || socket.destroyed) assert.fail(`no answer before the body was sent: ${received.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.match(received, /^HTTP\/1\.1 413 /);
  assert.match(received, /\r\nconnection: close\r\n/i);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  for (let sent = 0; sent < length; sent += chunk.length) {
    await new Promise<void>((resolve, reject) => socket.write(chunk, (e) => (e ? reject(e) : resolve())));
  }
  socket.end();
  await closed;
  assert.deepEqual(
    errors.map((e) => e.message),
    [],
    'the server closed without a reset',
  );
});

test('UCloud: XML, multipart, octet-stream, text/plain and untyped bodies are refused, naming the type', async () => {
  for (const type of [...NON_JSON_TYPES, 'text/plain']) {
    const a = await send('POST', '/', type, 'Action=DescribeImage&Region=cn-bj2');
    assertUCloudRefusal(a, type === undefined ? /without a Content-Type/ : new RegExp(`unsupported Content-Type ${type.split(';')[0]}`));
  }
  const named = await send('POST', '/?Action=DescribeImage', 'text/plain', 'Region=cn-bj2');
  assertUCloudRefusal(named, /unsupported Content-Type text\/plain: use application\/x-www-form-urlencoded or application\/json/, 'DescribeImage');
});

test('UCloud: methods other than GET and POST are RetCode 230', async () => {
  for (const method of ['PUT', 'DELETE', 'PATCH']) {
    assertUCloudRefusal(
      await send(method, '/?Action=DescribeImage', 'application/xml', '<x/>'),
      new RegExp(`HTTP method ${method} is not supported`),
      'DescribeImage',
    );
  }
});

test("UCloud: a 1 MB query string is RetCode 230, not Node's 431", async () => {
  assertUCloudRefusal(fromRaw(await rawExchange(kiln.port, [megabyteQuery('/')])), /exceed 16 KiB/);
});

test('ZEC: a body over 1 MiB is 413 INVALID_REQUEST_BODY', async () => {
  assertZcRefusal(await send('POST', '/api/v2/zec', 'application/json', TWO_MIB), 413, 'INVALID_REQUEST_BODY', /larger than 1 MiB/);
});

test('ZEC: bodies that cannot be JSON are 415 UNSUPPORTED_MEDIA_TYPE before authentication', async () => {
  for (const type of NON_JSON_TYPES) {
    assertZcRefusal(await send('POST', '/api/v2/zec', type, '{}'), 415, 'UNSUPPORTED_MEDIA_TYPE', /ZEC API calls send application\/json/);
  }
  // JSON under text/plain still reaches authentication (the signature covers the type as sent).
  assertZcRefusal(await send('POST', '/api/v2/zec', 'text/plain', '{}'), 401, 'AUTHFAILURE_INVALID_AUTHORIZATION', /Authorization/);
});

test('ZEC: other methods are 405 with Allow: POST, other paths under /api/v2 are 404', async () => {
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const a = await send(method, '/api/v2/zec');
    assertZcRefusal(a, 405, 'UNSUPPORTED_HTTP_METHOD', new RegExp(`HTTP method ${method} is not supported`));
    assert.equal(header(a, 'allow'), 'POST');
  }
  for (const path of ['/api/v2', '/api/v2/zec/images', `/api/v2/${'z'.repeat(300)}`]) {
    assertZcRefusal(await send('POST', path, 'application/json', '{}'), 404, 'INVALID_ACTION', /no API is served at this path/);
  }
});

test('ZEC: a 1 MB query string is 431 INVALID_REQUEST_HEADER', async () => {
  assertZcRefusal(fromRaw(await rawExchange(kiln.port, [megabyteQuery('/api/v2/zec')])), 431, 'INVALID_REQUEST_HEADER', /exceed 16 KiB/);
});

test('a head that overflows in a later read, its path unseen, is answered in both shapes at once', async () => {
  const request = megabyteQuery('/');
  const a = fromRaw(await rawExchange(kiln.port, [request.slice(0, 8_000), request.slice(8_000)], { pauseMs: 200 }));
  assert.equal(a.status, 431, JSON.stringify(a.body));
  assert.equal(a.body.RetCode, 230);
  assert.equal(a.body.code, 'INVALID_REQUEST_HEADER');
  assert.equal(a.body.Message, a.body.message);
  assert.match(String(a.body.requestId), /^T/);
});

test('paths outside the dialects keep the plain JSON 404', async () => {
  const a = await send('GET', '/nothing-here');
  assert.equal(a.status, 404);
  assert.equal(a.body.statusCode, 404);
});

test('no refusal is logged as a server error', () => {
  assert.doesNotMatch(kiln.output, /"level":50/);
});
