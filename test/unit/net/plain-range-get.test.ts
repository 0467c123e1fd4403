import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DownloadError } from '../../../src/net/download-error.ts';
import { openImportSource } from '../../../src/net/import-source.ts';
import { plainRangeGet } from '../../../src/net/plain-range-get.ts';
import { RangeConnectionPool } from '../../../src/net/range-connections.ts';
import { checkUrl } from '../../../src/net/url-policy.ts';
import { Scatter } from '../../../src/net/scatter.ts';
import { patternBytes } from '../../support/disk-images.ts';
import { startServer } from './local-server.ts';

const file = patternBytes(5, 3 * 1024 * 1024 + 17);
const identity = { size: file.length, etag: '"v1"', lastModified: null };

/** What the raw server writes for a request asking `bytes=start-last`; null: the test handles the socket. */
let answer: (start: number, last: number, socket: Socket) => void = () => undefined;
let server: Server;
let port = 0;
const requests: string[] = [];
/** Connections the server accepted, and each one's requests so far. */
let connections = 0;
const servedOn = new WeakMap<Socket, number>();

before(async () => {
  server = createServer((socket) => {
    connections++;
    let head = '';
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      requests.push(head);
      const m = /range: bytes=(\d+)-(\d+)/i.exec(head)!;
      head = '';
      servedOn.set(socket, (servedOn.get(socket) ?? 0) + 1);
      answer(Number(m[1]), Number(m[2]), socket);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function head206(start: number, last: number, extra = ''): string {
  return `HTTP/1.1 206 Partial Content\r\nContent-Range: bytes ${start}-${last}/${file.length}\r\nContent-Length: ${last - start + 1}\r\nETag: "v1"\r\n${extra}\r\n`;
}

async function get(start: number, end: number, pool?: RangeConnectionPool): Promise<{ outcome: 'done' | 'declined'; bytes: Buffer }> {
  const target = checkUrl(`http://127.0.0.1:${port}/disk.img?x=1`, ['http:']);
  const into = Buffer.alloc(end - start);
  let received = 0;
  const outcome = await plainRangeGet({
    target,
    addresses: [{ address: '127.0.0.1', family: 4 }],
    start,
    end,
    file: identity,
    timeoutMs: 2000,
    signal: new AbortController().signal,
    into: new Scatter([into]),
    onBytes: (n) => (received += n),
    connections: pool,
  });
  return { outcome, bytes: into.subarray(0, received) };
}

async function failure(start: number, end: number): Promise<DownloadError> {
  const e = await get(start, end).then(
    () => assert.fail('the range was taken'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof DownloadError, String(e));
  return e;
}

describe('plainRangeGet', () => {
  it('fills the buffer with exactly the range of a plain 206, the head and body split anywhere across reads', async () => {
    answer = (start, last, socket) => {
      const bytes = Buffer.concat([Buffer.from(head206(start, last), 'latin1'), file.subarray(start, last + 1)]);
      // Dribbled out in odd pieces so the head ends mid-read.
      let at = 0;
      const step = () => {
        if (at >= bytes.length) return socket.end();
        const n = at === 0 ? 40 : 70_001;
        socket.write(bytes.subarray(at, at + n), step);
        at += n;
      };
      step();
    };
    const { outcome, bytes } = await get(1000, 2 * 1024 * 1024 + 5);
    assert.equal(outcome, 'done');
    assert.ok(bytes.equals(file.subarray(1000, 2 * 1024 * 1024 + 5)));
    const sent = requests.at(-1)!;
    assert.match(sent, /^GET \/disk\.img\?x=1 HTTP\/1\.1\r\n/);
    assert.match(sent, /\r\nHost: 127\.0\.0\.1:\d+\r\n/);
    assert.match(sent, /\r\nRange: bytes=1000-2097156\r\n/);
  });

  it('declines a redirect, an error status and a chunked 206 without taking a byte', async () => {
    for (const head of [
      'HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n',
      `HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-9/${file.length}\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n`,
    ]) {
      answer = (_s, _l, socket) => socket.end(head);
      const { outcome, bytes } = await get(0, 10);
      assert.equal(outcome, 'declined', head);
      assert.equal(bytes.length, 0);
    }
  });

  it('refuses another range, a changed file, two different lengths and a head without end', async () => {
    answer = (start, last, socket) => socket.end(head206(start + 1, last + 1));
    assert.match((await failure(0, 10)).reason, /with a different range/);
    answer = (start, last, socket) => socket.end(head206(start, last).replace('"v1"', '"v2"'));
    assert.match((await failure(0, 10)).reason, /changed while it was being imported/);
    answer = (start, last, socket) => socket.end(head206(start, last, 'Content-Length: 99\r\n'));
    assert.match((await failure(0, 10)).reason, /invalid HTTP response \(two different content-length fields\)/);
    answer = (_s, _l, socket) => socket.write(`HTTP/1.1 206 Partial Content\r\nX-Pad: ${'a'.repeat(70_000)}`);
    const long = await failure(0, 10);
    assert.match(long.reason, /a head over 64 KiB/);
    assert.equal(long.transient, false);
  });

  it('fails a body longer than announced, and one cut short as transient', async () => {
    answer = (start, last, socket) => socket.end(Buffer.concat([Buffer.from(head206(start, last), 'latin1'), file.subarray(start, last + 2)]));
    assert.match((await failure(0, 10)).reason, /sent more than the 10 bytes/);
    answer = (start, last, socket) => socket.end(Buffer.concat([Buffer.from(head206(start, last), 'latin1'), file.subarray(start, start + 4)]));
    const cut = await failure(0, 10);
    assert.match(cut.reason, /dropped after 4 of 10 bytes/);
    assert.equal(cut.transient, true);
  });
});

describe('plainRangeGet on kept-alive connections', () => {
  const whole = (start: number, last: number, socket: Socket, extra = '') =>
    socket.write(Buffer.concat([Buffer.from(head206(start, last, extra), 'latin1'), file.subarray(start, last + 1)]));

  it('asks every range of an import on one connection while the server keeps it open', async () => {
    answer = (start, last, socket) => whole(start, last, socket);
    const pool = new RangeConnectionPool(4);
    const before = connections;
    for (const [start, end] of [
      [0, 100_000],
      [100_000, 1_200_000],
      [5, 6],
    ] as const) {
      const { outcome, bytes } = await get(start, end, pool);
      assert.equal(outcome, 'done');
      assert.ok(bytes.equals(file.subarray(start, end)));
    }
    pool.close();
    assert.equal(connections - before, 1);
    assert.doesNotMatch(requests.at(-1)!, /connection: close/i);
  });

  it('opens a new connection after an answer that says Connection: close, or an HTTP/1.0 one', async () => {
    const pool = new RangeConnectionPool(4);
    for (const say of [
      (s: number, l: number) => head206(s, l, 'Connection: close\r\n'),
      (s: number, l: number) => head206(s, l).replace('HTTP/1.1', 'HTTP/1.0'),
    ]) {
      answer = (start, last, socket) => socket.end(Buffer.concat([Buffer.from(say(start, last), 'latin1'), file.subarray(start, last + 1)]));
      const before = connections;
      for (let i = 0; i < 2; i++) assert.equal((await get(i * 10, i * 10 + 10, pool)).outcome, 'done');
      assert.equal(connections - before, 2);
    }
    pool.close();
  });

  it('asks again on a new connection when a kept-alive one closes before answering, and only then', async () => {
    // The second request on any connection is cut without a byte, as a server closing an idle connection does.
    answer = (start, last, socket) => ((servedOn.get(socket) ?? 0) >= 2 ? socket.destroy() : whole(start, last, socket));
    const pool = new RangeConnectionPool(4);
    const before = connections;
    for (let i = 0; i < 3; i++) {
      const { outcome, bytes } = await get(i * 1000, i * 1000 + 500, pool);
      assert.equal(outcome, 'done');
      assert.ok(bytes.equals(file.subarray(i * 1000, i * 1000 + 500)));
    }
    pool.close();
    assert.equal(connections - before, 3);
    // A new connection cut before its answer is a failure, not asked again without end.
    answer = (_s, _l, socket) => socket.destroy();
    const cut = await failure(0, 10);
    assert.match(cut.reason, /dropped before its head/);
    assert.equal(cut.transient, true);
  });

  it('reuses no connection whose peer the latest destination check did not return', async () => {
    answer = (start, last, socket) => whole(start, last, socket);
    const pool = new RangeConnectionPool(4);
    await get(0, 10, pool);
    const target = checkUrl(`http://127.0.0.1:${port}/disk.img`, ['http:']);
    // The host now resolves elsewhere (a rebinding answer, or a moved server): a fresh connection.
    const moved = pool.take(target, [{ address: '127.0.0.2', family: 4 }]);
    assert.equal(moved.reused, false);
    moved.conn.destroy();
    const same = pool.take(target, [{ address: '127.0.0.1', family: 4 }]);
    assert.equal(same.reused, false, 'the connection to the unlisted peer was closed, not kept');
    same.conn.destroy();
    pool.close();
  });

  it('closes an idle connection whose server sends bytes out of turn', async () => {
    answer = (start, last, socket) => {
      whole(start, last, socket);
      setTimeout(() => socket.write('HTTP/1.1 200 OK\r\n\r\n'), 20);
    };
    const pool = new RangeConnectionPool(4);
    const before = connections;
    await get(0, 10, pool);
    await new Promise((r) => setTimeout(r, 100));
    answer = (start, last, socket) => whole(start, last, socket);
    const { bytes } = await get(20, 30, pool);
    assert.ok(bytes.equals(file.subarray(20, 30)));
    pool.close();
    assert.equal(connections - before, 2);
  });
});

describe('a ranged import over plain HTTP', () => {
  it('whose ranges are redirected reads them through fetchChecked, asking the plain way once', async () => {
    const hops: string[] = [];
    const origin = await startServer((req, res) => {
      hops.push(req.url ?? '');
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '')!;
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), file.length - 1)];
      if (req.url === '/disk.img' && start > 0) {
        res.writeHead(307, { location: '/moved.img' }).end();
        return;
      }
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${file.length}`, 'content-length': String(end - start + 1), etag: '"v1"' });
      res.end(file.subarray(start, end + 1));
    });
    try {
      const policy = {
        allowHosts: [origin.hostPort],
        allowPublic: false,
        allowedSchemes: ['http:' as const],
        maxBytes: 1 << 30,
        maxRedirects: 5,
        timeoutMs: 5000,
      };
      const source = await openImportSource(`${origin.base}/disk.img`, policy, {
        spoolPath: '/nonexistent/spool',
        tuning: { maxRequestBytes: 256 * 1024, minReadBytes: 64 * 1024, cacheBytes: 1024 * 1024 },
      });
      const out = Buffer.alloc(file.length);
      for (let at = 0; at < file.length; at += 300_001) await source.read(out, at, Math.min(300_001, file.length - at), at);
      await source.close();
      assert.ok(out.equals(file));
      // Besides the probe, each range asks the original URL through fetchChecked and follows;
      // the plain way was tried for the first range only.
      const moved = hops.filter((h) => h === '/moved.img').length;
      const plainTries = hops.filter((h) => h === '/disk.img').length - 1 - moved;
      assert.ok(moved > 5, `${moved} ranges followed`);
      assert.equal(plainTries, 1);
    } finally {
      await origin.close();
    }
  });
});
