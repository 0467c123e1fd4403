/** The image waiter's poll schedule: pauses tied to the time waited, so a short job's end is seen soon after it and a long one's within the cap. */
// stack-neutral: the waiter's arithmetic and its loop over a reading function; no server, no store
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pollImage } from 'kiln-images-sdk';
import { nextPollDelay } from '../../packages/sdk/src/waiter.ts';

test('pauses are the floor, then a quarter of the time waited, then the cap', () => {
  assert.equal(nextPollDelay(0), 100);
  assert.equal(nextPollDelay(300), 100);
  assert.equal(nextPollDelay(2_000), 500);
  assert.equal(nextPollDelay(60_000), 5_000);
  assert.equal(nextPollDelay(60_000, { maxIntervalMs: 2_000 }), 2_000);
  assert.equal(nextPollDelay(0, { intervalMs: 50 }), 50);
  // A floor above the cap wins: the caller asked for no poll sooner than that.
  assert.equal(nextPollDelay(0, { intervalMs: 300, maxIntervalMs: 200 }), 300);
});

test('every pause of a wait overshoots what was waited by at most a quarter once past the floor', () => {
  for (let waited = 400; waited < 20_000; waited += 137) {
    const pause = nextPollDelay(waited, { maxIntervalMs: 2_000 });
    assert.ok(pause <= Math.max(waited / 4, 100), `${pause} ms after ${waited} ms`);
  }
});

test('the waiter reads until Available and reports every reading', async () => {
  const states = ['making', 'making', 'making', 'available'] as const;
  const seen: string[] = [];
  let reads = 0;
  const done = await pollImage(async () => ({ imageId: 'img', state: states[Math.min(reads++, states.length - 1)]!, failedReason: '' }), {
    intervalMs: 1,
    onProgress: (p) => seen.push(p.state),
  });
  assert.equal(done.state, 'available');
  assert.deepEqual(seen, ['making', 'making', 'making', 'available']);
});
