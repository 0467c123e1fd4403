import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllZero } from '../../../src/disk/nonzero-runs.ts';

describe('isAllZero', () => {
  const length = 64 * 1024 + 777;

  it('holds for zeros of any length, the tail past the last whole slice included', () => {
    for (const n of [0, 1, 16 * 1024, 16 * 1024 + 1, length]) assert.equal(isAllZero(Buffer.alloc(length), n), true, `${n} bytes`);
  });

  it('finds one non-zero byte anywhere: first, either side of a slice edge, last', () => {
    for (const at of [0, 16 * 1024 - 1, 16 * 1024, 48 * 1024 + 5, length - 1]) {
      const buf = Buffer.alloc(length);
      buf[at] = 1;
      assert.equal(isAllZero(buf, length), false, `byte ${at}`);
    }
  });

  it('looks only at the first `length` bytes', () => {
    const buf = Buffer.alloc(length);
    buf[length - 1] = 0xff;
    assert.equal(isAllZero(buf, length - 1), true);
  });
});
