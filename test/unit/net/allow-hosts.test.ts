import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllowHosts } from '../../../src/net/safe-download.ts';

describe('parseAllowHosts', () => {
  it('returns nothing for an unset or empty value', () => {
    assert.deepEqual(parseAllowHosts(undefined), []);
    assert.deepEqual(parseAllowHosts(''), []);
    assert.deepEqual(parseAllowHosts(' , '), []);
  });

  it('normalises entries like the URL parser normalises hosts, and de-duplicates', () => {
    assert.deepEqual(parseAllowHosts('127.0.0.1:8080, Files.Internal:80,[::1]:443'), ['127.0.0.1:8080', 'files.internal:80', '[::1]:443']);
    assert.deepEqual(parseAllowHosts('[::FFFF:127.0.0.1]:9000'), ['[::ffff:7f00:1]:9000']);
    assert.deepEqual(parseAllowHosts('0x7f.1:9000 127.0.0.1:9000'), ['127.0.0.1:9000']);
    assert.deepEqual(parseAllowHosts('localhost:1,localhost:65535'), ['localhost:1', 'localhost:65535']);
  });

  it('throws a clear error naming a malformed entry', () => {
    const bad = [
      '127.0.0.1',
      'host:0',
      'host:65536',
      'host:http',
      '::1:80',
      '[::1]',
      '[zz::1]:80',
      'user@host:80',
      'host:80/path',
      'http://host:80',
      ':80',
      'a%20b:80',
    ];
    for (const entry of bad) {
      assert.throws(
        () => parseAllowHosts(`ok.example:80,${entry}`),
        (e: Error) => e.message.startsWith('KILN_IMPORT_ALLOW_HOSTS:') && e.message.includes(`"${entry}"`),
        entry,
      );
    }
  });
});
