import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DownloadError } from '../../../src/net/download-error.ts';
import { checkUrl } from '../../../src/net/url-policy.ts';

const both = ['http:', 'https:'] as const;

function refusal(url: string, schemes: readonly ('http:' | 'https:')[] = both): string {
  try {
    checkUrl(url, schemes);
  } catch (e) {
    assert.ok(e instanceof DownloadError, `expected DownloadError, got ${String(e)}`);
    return e.reason;
  }
  assert.fail(`${url} was accepted`);
}

describe('checkUrl', () => {
  it('refuses schemes that are not allowed', () => {
    assert.match(refusal('ftp://example.com/disk.img'), /scheme ftp: is not allowed/);
    assert.match(refusal('file:///etc/passwd'), /scheme file: is not allowed/);
    assert.match(refusal('data:text/plain,hi'), /scheme data: is not allowed/);
    assert.match(refusal('http://example.com/', ['https:']), /scheme http: is not allowed \(allowed: https:\)/);
  });

  it('refuses credentials in the URL', () => {
    assert.match(refusal('http://user:pass@example.com/x'), /must not contain credentials/);
    assert.match(refusal('https://user@example.com/x'), /must not contain credentials/);
    assert.match(refusal('http://:pass@example.com/x'), /must not contain credentials/);
  });

  it('refuses text that is not an absolute URL', () => {
    assert.match(refusal('/relative/path'), /not a valid absolute URL/);
    assert.match(refusal('http://[::1/'), /not a valid absolute URL/);
    assert.match(refusal('http://1.2.3.999/'), /not a valid absolute URL/);
  });

  it('fills in the scheme default port and normalises the host', () => {
    const a = checkUrl('HTTP://Files.Example.COM/a?b=1', both);
    assert.equal(a.hostPort, 'files.example.com:80');
    assert.equal(a.literal, null);
    const b = checkUrl('https://files.example.com:8443/a', both);
    assert.equal(b.hostPort, 'files.example.com:8443');
    assert.equal(checkUrl('https://h.example/', both).port, 443);
    const c = checkUrl('http://0x7f.1:8080/', both);
    assert.equal(c.hostPort, '127.0.0.1:8080');
    assert.deepEqual(c.literal, { address: '127.0.0.1', family: 4 });
    const d = checkUrl('http://[::FFFF:127.0.0.1]:81/', both);
    assert.equal(d.hostPort, '[::ffff:7f00:1]:81');
    assert.deepEqual(d.literal, { address: '::ffff:7f00:1', family: 6 });
    assert.equal(d.bareHost, '::ffff:7f00:1');
  });
});
