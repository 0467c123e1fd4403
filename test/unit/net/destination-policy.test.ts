import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import { checkDestination, type Resolver } from '../../../src/net/destination-policy.ts';
import { DownloadError } from '../../../src/net/download-error.ts';
import { checkUrl } from '../../../src/net/url-policy.ts';

// Fake DNS: nothing here resolves or connects anywhere.
function fakeDns(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string): Promise<LookupAddress[]> => {
    calls.push(host);
    const answer = table[host];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

const dns = fakeDns({
  'files.example': ['93.184.216.34', '2606:2800:220:1::1'],
  'mixed.example': ['93.184.216.34', '10.0.0.5'],
  'metadata.example': ['169.254.169.254'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'internal.example': ['192.168.1.20'],
});
const open = { allowHosts: [] as string[], allowPublic: true };

async function refusal(url: string, rules = open): Promise<string> {
  try {
    await checkDestination(checkUrl(url, ['http:', 'https:']), rules, dns);
  } catch (e) {
    assert.ok(e instanceof DownloadError, String(e));
    return e.reason;
  }
  assert.fail(`${url} was allowed`);
}

describe('checkDestination', () => {
  it('allows a name with only public addresses and returns all of them to pin', async () => {
    const got = await checkDestination(checkUrl('https://files.example/disk.img', ['https:']), open, dns);
    assert.deepEqual(
      got.map((a) => a.address),
      ['93.184.216.34', '2606:2800:220:1::1'],
    );
  });

  it('refuses when ANY resolved address is not public', async () => {
    assert.equal(
      await refusal('http://mixed.example/x'),
      'import URL host mixed.example:80 is not allowed (it resolves to 10.0.0.5, a private address); add it to KILN_IMPORT_ALLOW_HOSTS to permit it',
    );
    assert.match(await refusal('http://metadata.example/latest/meta-data/'), /169\.254\.169\.254, a link-local address/);
    assert.match(await refusal('http://mapped.example/'), /::ffff:127\.0\.0\.1, a loopback address/);
  });

  it('refuses literal addresses without asking DNS, naming host:port and the class', async () => {
    const before = dns.calls.length;
    assert.equal(
      await refusal('http://127.0.0.1:8080/x'),
      'import URL host 127.0.0.1:8080 is not allowed (loopback address); add it to KILN_IMPORT_ALLOW_HOSTS to permit it',
    );
    assert.match(await refusal('http://169.254.169.254/latest/meta-data/'), /host 169\.254\.169\.254:80 is not allowed \(link-local address\)/);
    assert.match(await refusal('http://[::ffff:169.254.169.254]/'), /\(link-local address\)/);
    assert.match(await refusal('http://[fe80::1]/'), /\(link-local address\)/);
    assert.match(await refusal('http://100.64.1.1/'), /\(shared \(CGNAT\) address\)/);
    assert.match(await refusal('http://0.0.0.0:22/'), /\(unspecified address\)/);
    assert.match(await refusal('http://224.0.0.1/'), /\(multicast address\)/);
    assert.match(await refusal('http://255.255.255.255/'), /\(broadcast address\)/);
    assert.equal(dns.calls.length, before);
  });

  it('allows a listed host:port even when private, but only that exact port', async () => {
    const rules = { allowHosts: ['internal.example:8080', '127.0.0.1:9000'], allowPublic: true };
    const got = await checkDestination(checkUrl('http://internal.example:8080/a', ['http:']), rules, dns);
    assert.deepEqual(got, [{ address: '192.168.1.20', family: 4 }]);
    await checkDestination(checkUrl('http://0x7f.1:9000/a', ['http:']), rules, dns);
    assert.match(await refusal('http://internal.example:8081/a', rules), /internal\.example:8081 is not allowed/);
    assert.match(await refusal('http://internal.example/a', rules), /internal\.example:80 is not allowed/);
  });

  it('with allowPublic=false requires the allow-list for every host', async () => {
    const rules = { allowHosts: ['files.example:443'], allowPublic: false };
    await checkDestination(checkUrl('https://files.example/a', ['https:']), rules, dns);
    assert.match(await refusal('http://files.example/a', rules), /files\.example:80 is not in KILN_IMPORT_ALLOW_HOSTS .*KILN_IMPORT_ALLOW_PUBLIC=false/);
  });

  it('reports a name that does not resolve', async () => {
    assert.equal(await refusal('http://nowhere.example/'), 'import URL host nowhere.example could not be resolved (ENOTFOUND)');
  });
});
