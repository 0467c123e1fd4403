import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advance, fractionDone, type WorkProgress } from '../../../src/core/work-progress.ts';

const download = { name: 'download', index: 1, count: 2 } as const;
const convert = { name: 'convert', index: 2, count: 2 } as const;

test('progress only moves forward: a later phase replaces, a lower count or an earlier phase is held back', () => {
  let p: WorkProgress | undefined;
  p = advance(p, { phase: download, done: 10, total: 100 });
  p = advance(p, { phase: download, done: 5, total: 100 });
  assert.deepEqual(p, { phase: download, done: 10, total: 100 });
  p = advance(p, { phase: convert, done: 0, total: 400 });
  assert.deepEqual(p, { phase: convert, done: 0, total: 400 });
  // A retry that starts over from the download does not take the bar back.
  p = advance(p, { phase: download, done: 50, total: 100 });
  assert.deepEqual(p, { phase: convert, done: 0, total: 400 });
});

test('the share done weighs phases alike and counts an unknown total as not started', () => {
  assert.equal(fractionDone({ phase: download, done: 50, total: 100 }), 0.25);
  assert.equal(fractionDone({ phase: download, done: 50, total: null }), 0);
  assert.equal(fractionDone({ phase: convert, done: 100, total: 400 }), 0.625);
  assert.equal(fractionDone({ phase: null, done: 3, total: 4 }), 0.75);
});
