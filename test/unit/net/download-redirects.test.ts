import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { downloadToFile } from '../../../src/net/safe-download.ts';
import { assertNothingLeft, pattern, policy, reasonOf, scratchDir } from './download-helpers.ts';
import { send, startServer, type LocalServer } from './local-server.ts';

const body = pattern(5000);
let a: LocalServer; // listed
let b: LocalServer; // listed
let unlisted: LocalServer; // loopback, never listed: must never see a request
let scratch: Awaited<ReturnType<typeof scratchDir>>;

function redirect(status: number, location: string) {
  return { status, location };
}

before(async () => {
  unlisted = await startServer((_req, res) => send(res, Buffer.from('secret')));
  b = await startServer((req, res) => {
    if (req.url === '/hop2') return void res.writeHead(307, { location: `${a.base}/hop3` }).end();
    res.writeHead(404).end();
  });
  a = await startServer((req, res) => {
    const routes: Record<string, { status: number; location: string }> = {
      '/start': redirect(301, '/hop1'), // relative
      '/hop1': redirect(302, `${b.base}/hop2`), // to the other listed server
      '/hop3': redirect(308, '//' + a.hostPort + '/hop4'), // scheme-relative
      '/hop4': redirect(303, '/file?x=1'),
      '/to-unlisted': redirect(302, `${unlisted.base}/steal`),
      '/to-unlisted-decimal': redirect(302, `http://2130706433:${unlisted.port}/steal`),
      '/to-metadata': redirect(302, 'http://169.254.169.254/latest/meta-data/iam/'),
      '/to-mapped-metadata': redirect(307, 'http://[::ffff:a9fe:a9fe]/'),
      '/to-file': redirect(302, 'file:///etc/passwd'),
      '/to-creds': redirect(302, `http://u:p@${a.hostPort}/file`),
      '/loop': redirect(302, '/loop'),
    };
    if (req.url === '/file?x=1') return send(res, body);
    if (req.url === '/no-location') return void res.writeHead(302).end();
    const r = req.url ? routes[req.url] : undefined;
    if (r) return void res.writeHead(r.status, { location: r.location }).end('moved');
    res.writeHead(404).end();
  });
});
after(() => Promise.all([a.close(), b.close(), unlisted.close()]));
beforeEach(async () => (scratch = await scratchDir()));
afterEach(() => scratch.cleanup());

const listed = () => policy({ allowHosts: [a.hostPort, b.hostPort] });

describe('downloadToFile: redirects', () => {
  it('follows a chain of 301/302/307/308/303 within listed hosts', async () => {
    const got = await downloadToFile(`${a.base}/start`, scratch.dest, listed());
    assert.equal(got.bytes, body.length);
    assert.ok((await readFile(scratch.dest)).equals(body));
    assert.ok(b.hits.includes('/hop2'));
  });

  it('re-checks every target: a listed server cannot redirect to an unlisted loopback port', async () => {
    for (const path of ['/to-unlisted', '/to-unlisted-decimal']) {
      const reason = await reasonOf(downloadToFile(`${a.base}${path}`, scratch.dest, listed()));
      assert.equal(reason, `import URL host ${unlisted.hostPort} is not allowed (loopback address); add it to KILN_IMPORT_ALLOW_HOSTS to permit it`);
    }
    assert.deepEqual(unlisted.hits, []);
    await assertNothingLeft(scratch.dir);
  });

  it('refuses a redirect to the metadata address (checked, never connected to)', async () => {
    assert.match(
      await reasonOf(downloadToFile(`${a.base}/to-metadata`, scratch.dest, listed())),
      /169\.254\.169\.254:80 is not allowed \(link-local address\)/,
    );
    assert.match(await reasonOf(downloadToFile(`${a.base}/to-mapped-metadata`, scratch.dest, listed())), /\(link-local address\)/);
  });

  it('refuses a redirect to another scheme or to a URL with credentials', async () => {
    assert.match(await reasonOf(downloadToFile(`${a.base}/to-file`, scratch.dest, listed())), /scheme file: is not allowed/);
    assert.match(await reasonOf(downloadToFile(`${a.base}/to-creds`, scratch.dest, listed())), /must not contain credentials/);
  });

  it('stops a redirect loop at maxRedirects', async () => {
    const before = a.hits.filter((h) => h === '/loop').length;
    const reason = await reasonOf(downloadToFile(`${a.base}/loop`, scratch.dest, policy({ allowHosts: [a.hostPort], maxRedirects: 3 })));
    assert.equal(reason, 'import URL redirected more than 3 times');
    assert.equal(a.hits.filter((h) => h === '/loop').length - before, 4, 'the first request plus 3 followed redirects');
    await assertNothingLeft(scratch.dir);
  });

  it('counts redirects exactly: the 5-hop chain passes with maxRedirects 5 and fails with 4', async () => {
    await downloadToFile(`${a.base}/start`, scratch.dest, policy({ allowHosts: [a.hostPort, b.hostPort], maxRedirects: 5 }));
    const reason = await reasonOf(downloadToFile(`${a.base}/start`, `${scratch.dest}2`, policy({ allowHosts: [a.hostPort, b.hostPort], maxRedirects: 4 })));
    assert.equal(reason, 'import URL redirected more than 4 times');
  });

  it('refuses a redirect without a Location', async () => {
    assert.equal(
      await reasonOf(downloadToFile(`${a.base}/no-location`, scratch.dest, listed())),
      'import URL answered HTTP 302 Found without a Location header',
    );
  });
});
