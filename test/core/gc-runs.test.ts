import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Principal } from '../../src/core/model.ts';
import { startCoreKiln, type CoreKiln } from '../support/core-kiln.ts';
import { patternBlock, writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';

// Each garbage-collection run through the composition root leaves a record with a storage
// sample; the operator's storage page charts those. Two images share a chunk, so what
// they hold (logical) exceeds what is stored by exactly that chunk.
const CHUNK = 64 * 1024;
const files = new FileServer();
let core: CoreKiln;
let p: Principal;

before(async () => {
  await files.start();
  core = await startCoreKiln('core-gc-runs', {
    runner: true,
    env: { KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`, KILN_CHUNK_SIZE: String(CHUNK) },
  });
  p = await core.account('gc-runs');
});

after(async () => {
  await core?.close();
  await files.close();
});

async function importOf(name: string, seeds: number[]): Promise<void> {
  const path = join(core.dataDir, `${name}.raw`);
  await writeSparseDisk(
    path,
    seeds.length * CHUNK,
    seeds.map((seed, i) => ({ offset: i * CHUNK, length: CHUNK, seed })),
  );
  const made = await core.kiln.services.images.import(p, 'uhost', {
    region: 'cn-bj2',
    zone: 'cn-bj2-04',
    name,
    url: files.serve(`${name}.raw`, path),
    format: 'raw',
    osType: 'Linux',
    osName: 'Linux',
  });
  const image = await core.settled(p, 'uhost', made.id);
  assert.equal(image.state, 'available', String(image.failedReason));
}

test('a garbage-collection run is recorded with logical vs stored bytes; runs list newest first', async () => {
  assert.deepEqual(await core.kiln.store.gcRuns.recent(10), [], 'no run yet');
  await importOf('runs-a', [201, 202]);
  await importOf('runs-b', [202, 203]);
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
