import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferPool } from '../../../src/net/buffer-pool.ts';

test('ranges over half the pooled size reuse pooled buffers; smaller and larger ones get their own', () => {
  const pool = new BufferPool(1024, 2);
  const a = pool.take(1000);
  assert.ok(a.pooled);
  assert.equal(a.bytes.length, 1000);
  pool.give(a.pooled);
  const b = pool.take(600);
  assert.equal(b.pooled, a.pooled, 'the buffer given back is handed out again');
  assert.equal(b.bytes.length, 600);
  for (const length of [512, 10, 2048]) {
    const own = pool.take(length);
    assert.equal(own.pooled, undefined, `${length} bytes are not pooled`);
    assert.equal(own.bytes.length, length);
  }
});

test('the pool keeps at most `keep` buffers, and none after clear', () => {
  const pool = new BufferPool(100, 1);
  const a = pool.take(100).pooled!;
  const b = pool.take(100).pooled!;
  assert.notEqual(a, b);
  pool.give(a);
  pool.give(b); // over the limit: dropped
  assert.equal(pool.take(100).pooled, a);
  assert.notEqual(pool.take(100).pooled, b);
  pool.give(a);
  pool.clear();
  assert.notEqual(pool.take(100).pooled, a);
});
