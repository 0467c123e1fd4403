import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CollectorLease, ChunkWriter } from '../../src/core/chunks/chunk-writer.ts';
import { contentKeyOf } from '../../src/core/chunks/content-key.ts';
import { collectGarbage } from '../../src/jobs/garbage-collector.ts';
import type { CoreKiln } from '../support/core-kiln.ts';
import { patternBlock } from '../support/disk-files.ts';
import { waitFor } from '../support/kiln-process.ts';
import { allChunkKeys } from '../support/kiln-stores.ts';
import { PatternChunk as CHUNK, type PatternImages, startPatternImages } from '../support/pattern-images.ts';

// The collector called directly on the stack's stores, beside images the real import
// handler made and writers (ChunkWriter) this test drives step by step, so each
// interleaving with a collector is set up exactly rather than hoped for.
let images: PatternImages;
let core: CoreKiln;

before(async () => {
  images = await startPatternImages('core-garbage-collector', 'collector-tests');
  core = images.core;
});

after(async () => {
  await images?.close();
});

/** Stores a chunk no manifest references and no writer holds, as a crashed writer leaves one. */
async function orphan(seed: number): Promise<string> {
  const data = patternBlock(seed, CHUNK);
  const key = contentKeyOf(data);
  await core.kiln.blobs.putIfAbsent(key, data);
  return key;
}

function gc() {
  // Pages of two keys: every run walks several pages of the blob store.
  return collectGarbage({ store: core.kiln.store, blobs: core.kiln.blobs }, { pageSize: 2 });
}

test('unreferenced chunks are collected; chunks a manifest references are kept until their last image goes', async () => {
  const a = await images.importImage('gc-a', [101, 102, 103]);
  const b = await images.importImage('gc-b', [103, 104]);
  const stray = [await orphan(105), await orphan(106)];

  const first = await gc();
  assert.equal(first.ran, true);
  let stored = await allChunkKeys(core.kiln.blobs);
  for (const k of stray) assert.equal(stored.has(k), false, `orphan ${k} was collected`);
  for (const k of [...a.keys, ...b.keys]) assert.ok(stored.has(k), `referenced ${k} was kept`);

  await core.kiln.services.images.terminate(images.p, 'uhost', a.id);
  const second = await gc();
  assert.ok(second.deleted >= 2, JSON.stringify(second));
  stored = await allChunkKeys(core.kiln.blobs);
  for (const k of a.keys.slice(0, 2)) assert.equal(stored.has(k), false, `${k}, only image A's, went with it`);
  for (const k of b.keys) assert.ok(stored.has(k), `${k} is still image B's`);
});

test("a capture's hold on its backing image keeps the image's chunks through the image's deletion and collections, until it lets go", async () => {
  const held = await images.importImage('gc-held', [301, 302, 303]);
  const owner = 'job-core-capture';
  assert.equal(await core.kiln.store.chunks.holdImage(owner, held.id), true);
  await gc();
  await core.kiln.services.images.terminate(images.p, 'uhost', held.id);
  await gc();
  let stored = await allChunkKeys(core.kiln.blobs);
  for (const k of held.keys) assert.ok(stored.has(k), `${k} of the deleted image is kept for its holder`);

  await core.kiln.store.chunks.clearPending(owner);
  await gc();
  stored = await allChunkKeys(core.kiln.blobs);
  for (const k of held.keys) assert.equal(stored.has(k), false, `${k} is collected once the holder lets go`);
});

test('a chunk a writer has pending is kept, and collected once the writer lets go of it', async () => {
  const key = await orphan(201);
  await core.kiln.store.chunks.addPending('job-core-writer', [key]);
  assert.equal((await gc()).ran, true);
  assert.ok(await core.kiln.blobs.has(key));
  await core.kiln.store.chunks.clearPending('job-core-writer');
  await gc();
  assert.equal(await core.kiln.blobs.has(key), false);
});

test('a writer that meets a chunk a collector has announced and deleted waits for the collector, then stores it again', async () => {
  const data = patternBlock(301, CHUNK);
  const key = await orphan(301);
  // A collector mid-run: it holds the lease, announced the chunk, confirmed it unused and deleted it.
  assert.ok(await core.kiln.store.leases.acquire(CollectorLease, 'gc:test', 60_000));
  try {
    assert.deepEqual(await core.kiln.store.chunks.doom([key]), [key]);
    assert.equal(await core.kiln.store.chunks.confirmDoom(key), true);
    await core.kiln.blobs.delete(key);

    const writer = new ChunkWriter(core.kiln.store, core.kiln.blobs, 'job-late-writer');
    let done = false;
    const put = writer.putIfAbsent(key, data).finally(() => (done = true));
    await waitFor('the writer to record its pending use', async () => ((await core.kiln.store.chunks.inUseAmong([key])).has(key) ? true : undefined));
    // The announcement still stands: the writer may not trust what the store holds yet.
    assert.equal(done, false);
    // A collector running now (a second one) is kept out by the lease, and changes nothing.
    assert.equal((await gc()).ran, false);

    await core.kiln.store.chunks.clearDoom([key]);
    assert.equal(await put, true, 'the writer stored the chunk anew');
  } finally {
    await core.kiln.store.leases.release(CollectorLease, 'gc:test');
  }
  assert.ok(await core.kiln.blobs.has(key));
  // Still pending for the writer: the next collection keeps it.
  await gc();
  assert.ok(await core.kiln.blobs.has(key));
  await core.kiln.store.chunks.clearPending('job-late-writer');
});

test('a writer that recorded its use before the collector confirmed keeps the chunk: the confirmation fails', async () => {
  const data = patternBlock(401, CHUNK);
  const key = await orphan(401);
  assert.ok(await core.kiln.store.leases.acquire(CollectorLease, 'gc:test', 60_000));
  try {
    assert.deepEqual(await core.kiln.store.chunks.doom([key]), [key]);
    const writer = new ChunkWriter(core.kiln.store, core.kiln.blobs, 'job-early-writer');
    const put = writer.putIfAbsent(key, data);
    await waitFor('the writer to record its pending use', async () => ((await core.kiln.store.chunks.inUseAmong([key])).has(key) ? true : undefined));
    assert.equal(await core.kiln.store.chunks.confirmDoom(key), false, 'the collector sees the writer and spares the chunk');
    await core.kiln.store.chunks.clearDoom([key]);
    assert.equal(await put, false, 'the chunk was there all along');
  } finally {
    await core.kiln.store.leases.release(CollectorLease, 'gc:test');
  }
  assert.ok(await core.kiln.blobs.has(key));
  await core.kiln.store.chunks.clearPending('job-early-writer');
});

test('announcements a dead collector left behind are finished by the next one', async () => {
  const key = await orphan(501);
  // Announced, then the collector died (its lease lapsed or was dropped).
  assert.ok(await core.kiln.store.leases.acquire(CollectorLease, 'gc:dead', 60_000));
  assert.deepEqual(await core.kiln.store.chunks.doom([key]), [key]);
  await core.kiln.store.leases.release(CollectorLease, 'gc:dead');
  assert.deepEqual(await core.kiln.store.chunks.leftoverDoomed(10), [key]);
  const run = await gc();
  assert.equal(run.ran, true);
  assert.equal(await core.kiln.blobs.has(key), false);
  assert.deepEqual(await core.kiln.store.chunks.leftoverDoomed(10), []);
});
