import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nonZeroRuns } from '../../../src/disk/nonzero-runs.ts';

test('runs cover every block holding a non-zero byte, adjacent blocks merged, zero blocks left out', () => {
  const buf = Buffer.alloc(64);
  buf[0] = 1; // block 0
  buf[15] = 2; // block 1 (merged with 0)
  buf[40] = 3; // block 5
  buf[63] = 4; // block 7
  assert.deepEqual(nonZeroRuns(buf, 64, 8), [
    [0, 16],
    [40, 48],
    [56, 64],
  ]);
});

test('only the first `length` bytes count, and a short last block ends the run at `length`', () => {
  const buf = Buffer.alloc(32, 9);
  assert.deepEqual(nonZeroRuns(buf, 20, 8), [[0, 20]]);
  const tail = Buffer.alloc(32);
  tail[18] = 1;
  tail[25] = 1; // past length: ignored
  assert.deepEqual(nonZeroRuns(tail, 20, 8), [[16, 20]]);
});

test('an all-zero buffer has no runs; an empty one neither', () => {
  assert.deepEqual(nonZeroRuns(Buffer.alloc(4096), 4096, 512), []);
  assert.deepEqual(nonZeroRuns(Buffer.alloc(0), 0, 512), []);
});
