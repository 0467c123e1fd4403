import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertChunkKey, contentKeyOf, isChunkKey, keyAlgorithm, keyDigest } from '../../../src/core/chunks/content-key.ts';

describe('content keys', () => {
  it('names new content by BLAKE3 with its algorithm in the key', () => {
    // The published BLAKE3 test value for "abc": a wrong hash (or SHA-256) cannot pass.
    assert.equal(contentKeyOf(Buffer.from('abc')), 'b3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85');
    const key = contentKeyOf(Buffer.from('abc'));
    assert.equal(keyAlgorithm(key), 'blake3');
    assert.equal(keyDigest(key), '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85');
  });

  it('still accepts the SHA-256 keys chunks were stored under before', () => {
    const old = createHash('sha256').update('abc').digest('hex');
    assert.ok(isChunkKey(old));
    assert.equal(keyAlgorithm(old), 'sha256');
    assert.equal(keyDigest(old), old);
    assert.doesNotThrow(() => assertChunkKey(old));
  });

  it('refuses anything that could escape a path or name another store', () => {
    for (const bad of [
      '',
      '../etc/passwd',
      `b3:${'0'.repeat(63)}`,
      `B3:${'0'.repeat(64)}`,
      `sha256:${'0'.repeat(64)}`,
      `b3:${'A'.repeat(64)}`,
      `${'0'.repeat(64)}/x`,
    ]) {
      assert.equal(isChunkKey(bad), false, bad);
      assert.throws(() => assertChunkKey(bad), /invalid chunk key/);
    }
  });
});
