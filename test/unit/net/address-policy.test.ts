import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAddress, type AddressClass } from '../../../src/net/address-policy.ts';
import { checkUrl } from '../../../src/net/url-policy.ts';

/** What the fetcher classifies for a URL host: the WHATWG-normalised literal. */
function classifyUrlHost(host: string): AddressClass {
  const literal = checkUrl(`http://${host}/`, ['http:']).literal;
  assert.ok(literal, `${host} should normalise to an IP literal`);
  return classifyAddress(literal.address);
}

describe('classifyAddress', () => {
  const cases: [string, AddressClass][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['0.1.2.3', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['169.253.255.255', 'public'],
    ['2606:4700::1111', 'public'],
  ];
  for (const [address, expected] of cases) {
    it(`${address} is ${expected}`, () => assert.equal(classifyAddress(address), expected));
  }

  it('gives IPv4-mapped and other embedding IPv6 forms the class of the embedded IPv4', () => {
    assert.equal(classifyAddress('::ffff:127.0.0.1'), 'loopback');
    assert.equal(classifyAddress('::ffff:7f00:1'), 'loopback');
    assert.equal(classifyAddress('::FFFF:169.254.169.254'), 'link-local');
    assert.equal(classifyAddress('::ffff:a00:1'), 'private');
    assert.equal(classifyAddress('::ffff:0.0.0.0'), 'unspecified');
    assert.equal(classifyAddress('::ffff:8.8.8.8'), 'public');
    assert.equal(classifyAddress('::127.0.0.1'), 'loopback', 'deprecated IPv4-compatible');
    assert.equal(classifyAddress('::8.8.8.8'), 'reserved', 'deprecated IPv4-compatible, public inside');
    assert.equal(classifyAddress('64:ff9b::127.0.0.1'), 'loopback', 'NAT64');
    assert.equal(classifyAddress('64:ff9b::8.8.8.8'), 'public', 'NAT64 of a public address');
    assert.equal(classifyAddress('2002:a9fe:a9fe::1'), 'link-local', '6to4 of 169.254.169.254');
    assert.equal(classifyAddress('2001:0:4136:e378:8000:63bf:80ff:fffe'), 'loopback', 'Teredo client 127.0.0.1 (inverted)');
  });

  it('refuses to classify names', () => {
    assert.throws(() => classifyAddress('localhost'), TypeError);
    assert.throws(() => classifyAddress('2130706433'), TypeError);
  });
});

describe('numeric-trick URL hosts normalise to addresses the classifier refuses', () => {
  const tricks: [string, AddressClass][] = [
    ['2130706433', 'loopback'], // decimal
    ['0177.0.0.1', 'loopback'], // octal
    ['0x7f.1', 'loopback'], // hex + short form
    ['0x7f000001', 'loopback'],
    ['127.1', 'loopback'], // short form
    ['127.0.1', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'], // IPv4-mapped IPv6
    ['[::ffff:7f00:1]', 'loopback'],
    ['[0:0:0:0:0:0:0:1]', 'loopback'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0', 'unspecified'],
    ['[::]', 'unspecified'],
    ['2852039166', 'link-local'], // 169.254.169.254 in decimal
    ['0xa9.0xfe.0xa9.0xfe', 'link-local'],
    ['0251.0376.0251.0376', 'link-local'],
    ['[::ffff:169.254.169.254]', 'link-local'],
    ['012.1', 'private'], // 10.0.0.1 in octal short form
  ];
  for (const [host, expected] of tricks) {
    it(`http://${host}/ is ${expected}`, () => assert.equal(classifyUrlHost(host), expected));
  }
});
