import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PatternChunk as CHUNK, type PatternImages, startPatternImages } from '../support/pattern-images.ts';
import { patternBlock } from '../support/disk-files.ts';

// Each garbage-collection run through the composition root leaves a record with a storage
// sample; the operator's storage page charts those. Two images share a chunk, so what
// they hold (logical) exceeds what is stored by exactly that chunk.
let images: PatternImages;

before(async () => {
  images = await startPatternImages('core-gc-runs', 'gc-runs');
});

after(async () => {
  await images?.close();
});

test('a garbage-collection run is recorded with logical vs stored bytes; runs list newest first', async () => {
  const { core } = images;
  assert.deepEqual(await core.kiln.store.gcRuns.recent(10), [], 'no run yet');
  await images.importImage('runs-a', [201, 202]);
  await images.importImage('runs-b', [202, 203]);
  // A chunk nothing references: the run deletes it and says so.
  await core.kiln.blobs.putIfAbsent('f'.repeat(64), patternBlock(204, CHUNK));

  const first = await core.kiln.gc();
  assert.ok(first.ran);
  const [run] = await core.kiln.store.gcRuns.recent(10);
  assert.ok(run);
  assert.equal(run.deleted, first.deleted);
  assert.ok(run.deleted >= 1);
  assert.equal(run.storage.logicalBytes, 4 * CHUNK, 'two images of two chunks each');
  assert.equal(run.storage.uniqueChunks, 3, 'one chunk is shared');
  assert.equal(run.storage.storedBytes, 3 * CHUNK);
  assert.ok(run.finishedAt >= run.startedAt);

  await core.kiln.gc();
  const runs = await core.kiln.store.gcRuns.recent(10);
  assert.equal(runs.length, 2);
  assert.ok(runs[0]!.finishedAt >= runs[1]!.finishedAt, 'newest first');
  assert.equal(runs[0]!.deleted, 0, 'nothing left to delete');
  assert.deepEqual(await core.kiln.services.operator.storageNow(), runs[0]!.storage);
});
