import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import type { Resolver } from '../../../src/net/destination-policy.ts';
import { refusalOf, type UrlJudgeRules } from '../../../src/net/import-url-judge.ts';

// Fake DNS: nothing here resolves or connects anywhere.
const table: Record<string, string[]> = {
  'files.example': ['93.184.216.34'],
  'internal.example': ['192.168.1.20'],
  'empty.example': [],
};
const dns: Resolver = async (host) => {
  if (host === 'slow.example') return new Promise<LookupAddress[]>(() => undefined);
  if (host === 'flaky.example') throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
  const answer = table[host];
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return answer.map((address) => ({ address, family: 4 }));
};
const rules: UrlJudgeRules = { allowHosts: [], allowPublic: true, allowedSchemes: ['http:', 'https:'], timeoutMs: 200 };

describe('refusalOf (the call-time judgement of an import URL)', () => {
  it('refuses what the request alone shows, with the message the job would give', async () => {
    assert.match(String(await refusalOf('http://127.0.0.1:1/x.raw', rules, dns)), /127\.0\.0\.1:1 is not allowed \(loopback address\)/);
    assert.match(String(await refusalOf('http://[fe80::1]/x.raw', rules, dns)), /link-local address/);
    assert.match(String(await refusalOf('http://u:p@files.example/x.raw', rules, dns)), /must not contain credentials/);
    assert.match(String(await refusalOf('ftp://files.example/x.raw', rules, dns)), /scheme ftp: is not allowed/);
    assert.match(String(await refusalOf('not a url', rules, dns)), /not a valid absolute URL/);
    assert.match(String(await refusalOf('http://files.example/x.raw', { ...rules, allowPublic: false }, dns)), /not in KILN_IMPORT_ALLOW_HOSTS/);
  });

  it('refuses a name that resolves to a private address now', async () => {
    assert.match(String(await refusalOf('http://internal.example/x.raw', rules, dns)), /it resolves to 192\.168\.1\.20, a private address/);
  });

  it('lets public and allow-listed hosts through', async () => {
    assert.equal(await refusalOf('https://files.example/x.raw', rules, dns), null);
    assert.equal(await refusalOf('http://127.0.0.1:8080/x.raw', { ...rules, allowHosts: ['127.0.0.1:8080'] }, dns), null);
  });

  it('leaves names it cannot resolve now, or not in time, to the import job', async () => {
    for (const host of ['missing.example', 'flaky.example', 'empty.example', 'slow.example']) {
      assert.equal(await refusalOf(`http://${host}/x.raw`, rules, dns), null, host);
    }
  });
});
