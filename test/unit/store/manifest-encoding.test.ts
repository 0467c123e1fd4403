import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { contentKeyOf } from '../../../src/core/chunks/content-key.ts';
import { decodeChunks, encodeChunks } from '../../../src/store/metadata/manifest-encoding.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('manifest encoding', () => {
  it('writes all-SHA-256 manifests in the 32-bytes-a-chunk layout older versions wrote and read', () => {
    const chunks = [sha('a'), null, sha('b')];
    const bytes = encodeChunks(chunks);
    assert.equal(bytes.length, 96);
    assert.equal(bytes.toString('hex', 0, 32), sha('a'));
    assert.ok(bytes.subarray(32, 64).equals(Buffer.alloc(32)));
    assert.deepEqual(decodeChunks(bytes), chunks);
  });

  it('round-trips BLAKE3 and mixed manifests of every length mod 32, never at a length the old layout could have', () => {
    for (let n = 0; n <= 70; n++) {
      const chunks = Array.from({ length: n }, (_, i) => (i % 5 === 3 ? null : i % 3 === 0 ? sha(`c${i}`) : contentKeyOf(Buffer.from(`c${i}`))));
      if (chunks.every((c) => c === null || !c.startsWith('b3:'))) continue;
      const bytes = encodeChunks(chunks);
      assert.equal(bytes.length % 32, 1, `${n} chunks`);
      assert.deepEqual(decodeChunks(bytes), chunks, `${n} chunks`);
    }
  });

  it('refuses bytes in no known layout rather than inventing keys', () => {
    assert.throws(() => decodeChunks(Buffer.alloc(33, 7)), /no layout/);
    const bad = encodeChunks([contentKeyOf(Buffer.from('x'))]);
    bad[1] = 9;
    assert.throws(() => decodeChunks(bad), /unknown algorithm 9/);
  });
});
