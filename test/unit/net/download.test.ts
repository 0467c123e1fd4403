import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { readdir, readFile } from 'node:fs/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { downloadToFile } from '../../../src/net/safe-download.ts';
import { assertNothingLeft, pattern, policy, reasonOf, scratchDir } from './download-helpers.ts';
import { send, startServer, type LocalServer } from './local-server.ts';

const body = pattern(70_000);
let server: LocalServer;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

before(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/disk.img') return send(res, body, { type: 'application/x-qemu-disk' });
    if (req.url === '/missing') return void res.writeHead(404).end('nope');
    if (req.url === '/broken') return void res.writeHead(503, 'Custom Phrase From Server').end();
    res.writeHead(500).end();
  });
});
after(() => server.close());
beforeEach(async () => (scratch = await scratchDir()));
afterEach(() => scratch.cleanup());

describe('downloadToFile: loopback and the allow-list', () => {
  it('refuses a loopback server that is not listed, without connecting', async () => {
    const hitsBefore = server.hits.length;
    const reason = await reasonOf(downloadToFile(`${server.base}/disk.img`, scratch.dest, policy()));
    assert.equal(reason, `import URL host ${server.hostPort} is not allowed (loopback address); add it to KILN_IMPORT_ALLOW_HOSTS to permit it`);
    assert.equal(server.hits.length, hitsBefore);
    await assertNothingLeft(scratch.dir);
  });

  it('refuses a listed host on a different port', async () => {
    const reason = await reasonOf(downloadToFile(`${server.base}/disk.img`, scratch.dest, policy({ allowHosts: [`127.0.0.1:${server.port + 1}`] })));
    assert.match(reason, /is not allowed \(loopback address\)/);
  });

  it('downloads from a listed loopback host:port, reporting progress', async () => {
    const progress: [number, number | null][] = [];
    const got = await downloadToFile(`${server.base}/disk.img`, scratch.dest, policy({ allowHosts: [server.hostPort] }), {
      onProgress: (bytes, total) => progress.push([bytes, total]),
    });
    assert.deepEqual(got, { bytes: body.length, contentType: 'application/x-qemu-disk' });
    assert.ok((await readFile(scratch.dest)).equals(body));
    assert.deepEqual(progress.at(-1), [body.length, body.length]);
    assert.ok(progress.every(([, total]) => total === body.length));
    assert.deepEqual(await readdir(scratch.dir), ['source'], 'no .part file beside the result');
  });

  it('with allowPublic=false still downloads from a listed host', async () => {
    const got = await downloadToFile(`${server.base}/disk.img`, scratch.dest, policy({ allowHosts: [server.hostPort], allowPublic: false }));
    assert.equal(got.bytes, body.length);
  });

  it('refuses numeric-trick spellings of loopback unless the normalised host:port is listed', async () => {
    const hitsBefore = server.hits.length;
    for (const host of ['2130706433', '0177.0.0.1', '0x7f.1', '127.1', '[::ffff:127.0.0.1]']) {
      const reason = await reasonOf(downloadToFile(`http://${host}:${server.port}/disk.img`, scratch.dest, policy()));
      assert.match(reason, /is not allowed \(loopback address\)/, host);
    }
    assert.equal(server.hits.length, hitsBefore);
    // The allow-list matches the normalised host, so the decimal spelling reaches 127.0.0.1.
    const got = await downloadToFile(`http://2130706433:${server.port}/disk.img`, scratch.dest, policy({ allowHosts: [server.hostPort] }));
    assert.equal(got.bytes, body.length);
  });

  it('refuses credentials and other schemes before any traffic', async () => {
    const p = policy({ allowHosts: [server.hostPort] });
    const hitsBefore = server.hits.length;
    assert.match(await reasonOf(downloadToFile(`http://user:pass@${server.hostPort}/disk.img`, scratch.dest, p)), /must not contain credentials/);
    assert.match(await reasonOf(downloadToFile(`ftp://${server.hostPort}/disk.img`, scratch.dest, p)), /scheme ftp: is not allowed/);
    assert.match(await reasonOf(downloadToFile('file:///etc/passwd', scratch.dest, p)), /scheme file: is not allowed/);
    assert.match(await reasonOf(downloadToFile(`${server.base}/disk.img`, scratch.dest, { ...p, allowedSchemes: ['https:'] })), /scheme http: is not allowed/);
    assert.equal(server.hits.length, hitsBefore);
    await assertNothingLeft(scratch.dir);
  });

  it('names the status of a non-2xx answer, with the standard phrase', async () => {
    const p = policy({ allowHosts: [server.hostPort] });
    assert.equal(await reasonOf(downloadToFile(`${server.base}/missing`, scratch.dest, p)), 'import URL answered HTTP 404 Not Found');
    assert.equal(await reasonOf(downloadToFile(`${server.base}/broken`, scratch.dest, p)), 'import URL answered HTTP 503 Service Unavailable');
    await assertNothingLeft(scratch.dir);
  });

  it('reports a refused connection on a listed port', async () => {
    const dead = await startServer(() => undefined);
    await dead.close();
    const reason = await reasonOf(downloadToFile(`${dead.base}/x`, scratch.dest, policy({ allowHosts: [dead.hostPort] })));
    assert.equal(reason, `import URL host ${dead.hostPort} refused the connection`);
  });
});

describe('downloadToFile: the connection is pinned to the checked address', () => {
  // Names under .test never resolve through system DNS, so success proves the socket used
  // the fake resolver's answer via the pinned lookup rather than resolving again.
  function fakeDns(answer: string) {
    const calls: string[] = [];
    const resolve = async (host: string): Promise<LookupAddress[]> => {
      calls.push(host);
      return [{ address: answer, family: 4 }];
    };
    return { calls, resolve };
  }

  it('resolves once per hop and connects to that answer, keeping the name in Host', async () => {
    const dns = fakeDns('127.0.0.1');
    const url = `http://files.kiln.test:${server.port}/disk.img`;
    const got = await downloadToFile(url, scratch.dest, policy({ allowHosts: [`files.kiln.test:${server.port}`] }), { resolve: dns.resolve });
    assert.equal(got.bytes, body.length);
    assert.deepEqual(dns.calls, ['files.kiln.test']);
    assert.equal(server.hosts.at(-1), `files.kiln.test:${server.port}`);
  });

  it('refuses an unlisted name that resolves to loopback, without connecting', async () => {
    const dns = fakeDns('127.0.0.1');
    const hitsBefore = server.hits.length;
    const reason = await reasonOf(downloadToFile(`http://sneaky.kiln.test:${server.port}/disk.img`, scratch.dest, policy(), { resolve: dns.resolve }));
    assert.equal(
      reason,
      `import URL host sneaky.kiln.test:${server.port} is not allowed (it resolves to 127.0.0.1, a loopback address); add it to KILN_IMPORT_ALLOW_HOSTS to permit it`,
    );
    assert.equal(server.hits.length, hitsBefore);
  });

  it('refuses a name resolving to the metadata address (never connects anywhere)', async () => {
    const dns = fakeDns('169.254.169.254');
    const reason = await reasonOf(downloadToFile('http://metadata.kiln.test/latest/meta-data/', scratch.dest, policy(), { resolve: dns.resolve }));
    assert.match(reason, /resolves to 169\.254\.169\.254, a link-local address/);
  });
});
