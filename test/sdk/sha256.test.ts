/** The SDK's SHA-256 for Blob uploads, fed in pieces of every awkward size, equals node:crypto's. */
// stack-neutral: the SDK's SHA-256 against node:crypto; no server, no store
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { blobSource, Sha256 } from 'kiln-images-sdk';

test('the incremental SHA-256 equals node:crypto for lengths around the block and padding edges, fed in any pieces', () => {
  const data = randomBytes(4099);
  for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4099]) {
    const want = createHash('sha256').update(data.subarray(0, length)).digest('hex');
    for (const piece of [1, 7, 64, 100, 5000]) {
      const h = new Sha256();
      for (let at = 0; at < length; at += piece) h.update(data.subarray(at, Math.min(length, at + piece)));
      assert.equal(h.hex(), want, `length ${length} in pieces of ${piece}`);
    }
  }
  const h = new Sha256();
  h.hex();
  assert.throws(() => h.update(data), /already finished/);
});

test('a Blob source hashes its whole content and reports how far it got', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const seen: number[] = [];
  const hex = await blobSource(new Blob([data])).sha256Hex((n) => seen.push(n));
  assert.equal(hex, createHash('sha256').update(data).digest('hex'));
  assert.equal(seen.at(-1), data.length);
});
