import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downloadToFile } from '../../../src/net/safe-download.ts';
import { assertNothingLeft, policy, reasonOf, scratchDir } from './download-helpers.ts';
import { send, startServer, type LocalServer } from './local-server.ts';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// A self-signed certificate: the fetcher must reject it, and the handshake shows which
// name it asked for (SNI) even though it connected to the pinned 127.0.0.1.
describe('downloadToFile over https', { skip: hasOpenssl() ? false : 'openssl is not installed' }, () => {
  let server: LocalServer;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  const sni: string[] = [];

  before(async () => {
    scratch = await scratchDir();
    const key = join(scratch.dir, 'key.pem');
    const cert = join(scratch.dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=files.kiln.test',
        '-addext',
        'subjectAltName=DNS:files.kiln.test',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    server = await startServer((_req, res) => send(res, Buffer.from('disk')), tls);
    server.onTlsName = (name) => sni.push(name);
  });
  after(async () => {
    await server.close();
    await scratch.cleanup();
  });

  it('verifies the certificate against the URL hostname, sent as SNI, while connecting to the pinned address', async () => {
    const dest = join(scratch.dir, 'out', 'source');
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const url = `https://files.kiln.test:${server.port}/disk.img`;
    const reason = await reasonOf(downloadToFile(url, dest, policy({ allowHosts: [`files.kiln.test:${server.port}`] }), { resolve }));
    assert.match(
      reason,
      new RegExp(`^import URL host files\\.kiln\\.test:${server.port} failed TLS verification \\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\\)$`),
    );
    assert.deepEqual(sni, ['files.kiln.test']);
    assert.deepEqual(server.hits, [], 'no request was sent over the unverified connection');
  });

  it('sends no SNI for an IP-literal host', async () => {
    const dir = await scratchDir();
    try {
      const reason = await reasonOf(downloadToFile(`${server.base}/disk.img`, dir.dest, policy({ allowHosts: [server.hostPort] })));
      assert.match(reason, /failed TLS verification/);
      assert.equal(sni.length, 1, 'no new SNI name recorded');
      await assertNothingLeft(dir.dir);
    } finally {
      await dir.cleanup();
    }
  });
});
