import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnError } from '../../src/core/errors.ts';
import type { Principal } from '../../src/core/model.ts';
import type { ImportRequest } from '../../src/core/images/image-import.ts';
import { startCoreKiln, type CoreKiln } from '../support/core-kiln.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import { waitFor } from '../support/kiln-process.ts';
import { allChunkKeys } from '../support/kiln-stores.ts';

// The image service called directly, with the real import handler running its jobs in
// this process: what the dialects' import and delete actions rely on.
const CHUNK = 64 * 1024;
const QUOTA = 3;
const files = new FileServer();
let core: CoreKiln;
let diskUrl: string;

before(async () => {
  await files.start();
  core = await startCoreKiln('core-image-service', {
    runner: true,
    env: { KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`, KILN_CHUNK_SIZE: String(CHUNK), KILN_CUSTOM_IMAGE_QUOTA: String(QUOTA) },
  });
  const disk = join(core.dataDir, 'disk.raw');
  // Two data chunks and a hole between them: the hole must not be stored.
  await writeSparseDisk(disk, 4 * CHUNK, [
    { offset: 0, length: CHUNK, seed: 1 },
    { offset: 3 * CHUNK, length: CHUNK, seed: 2 },
  ]);
  diskUrl = files.serve('disk.raw', disk);
});

after(async () => {
  await core?.close();
  await files.close();
});

function importOf(name: string, url = diskUrl): ImportRequest {
  return { region: 'cn-bj2', zone: 'cn-bj2-04', name, url, format: 'raw', osType: 'Linux', osName: 'Ubuntu 22.04' };
}

async function rejectsWith(p: Promise<unknown>, code: string, param?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof KilnError, `expected a KilnError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (param !== undefined) assert.equal(e.param, param);
    return true;
  });
}

async function customCount(p: Principal): Promise<number> {
  return (await core.kiln.services.images.list(p, 'uhost', { kinds: ['custom'], offset: 0, limit: 100 })).total;
}

test('an import request becomes a job that ends with the image Available and its manifest committed', async () => {
  const p = await core.account('importer');
  const { images } = core.kiln.services;
  const made = await images.import(p, 'uhost', importOf('web'));
  assert.equal(made.state, 'making');
  assert.match(made.id, /^uimage-/);
  const job = await core.kiln.store.jobs.latestForImage(made.id);
  assert.equal(job?.kind, 'import');

  const done = await core.settled(p, 'uhost', made.id);
  assert.equal(done.state, 'available', String(done.failedReason));
  assert.equal(done.virtualSize, 4 * CHUNK);
  const manifest = await core.kiln.store.images.getManifest(made.id);
  assert.equal(manifest?.chunks.length, 4);
  assert.deepEqual(
    manifest.chunks.map((c) => c !== null),
    [true, false, false, true],
  );
  const stored = await allChunkKeys(core.kiln.blobs);
  for (const key of manifest.chunks) if (key) assert.ok(stored.has(key), `chunk ${key} is in the blob store`);
  assert.equal((await core.kiln.store.jobs.latestForImage(made.id))?.state, 'succeeded');
  const progress = await images.progress(p, 'uhost', made.id);
  assert.equal(progress.state, 'available');
});

test('an import whose source is missing fails the image with a reason and gives its quota slot back', async () => {
  const p = await core.account('unlucky');
  const { images } = core.kiln.services;
  const gone = `http://127.0.0.1:${files.port}/no-such-disk.raw`;
  const made = await images.import(p, 'uhost', importOf('missing', gone));
  const failed = await core.settled(p, 'uhost', made.id);
  assert.equal(failed.state, 'unavailable');
  assert.match(String(failed.failedReason), /404|not found/i);
  const job = await core.kiln.store.jobs.latestForImage(made.id);
  assert.equal(job?.state, 'failed');
  assert.equal(job.error, failed.failedReason);
  // The failed image holds no slot: the whole quota is still there.
  const kept = [];
  for (let i = 0; i < QUOTA; i++) kept.push(await images.import(p, 'uhost', importOf(`after-failure-${i}`)));
  for (const image of kept) assert.equal((await core.settled(p, 'uhost', image.id)).state, 'available');
});

test('the custom-image quota refuses one import too many, and a deletion gives the slot back', async () => {
  const p = await core.account('quota-holder');
  const { images } = core.kiln.services;
  const made = [];
  for (let i = 0; i < QUOTA; i++) made.push(await images.import(p, 'uhost', importOf(`q${i}`)));
  await rejectsWith(images.import(p, 'uhost', importOf('one-too-many')), 'QuotaExceeded');
  assert.equal(await customCount(p), QUOTA, 'the refused import left no image behind');
  // Another account's quota is its own.
  const other = await core.account('quota-neighbour');
  await images.import(other, 'uhost', importOf('neighbour'));

  for (const image of made) await core.settled(p, 'uhost', image.id);
  await images.terminate(p, 'uhost', made[0]!.id);
  await rejectsWith(images.get(p, 'uhost', made[0]!.id), 'ImageNotFound', 'imageId');
  assert.equal(await core.kiln.store.images.getManifest(made[0]!.id), undefined);
  const again = await images.import(p, 'uhost', importOf('in-the-freed-slot'));
  assert.equal((await core.settled(p, 'uhost', again.id)).state, 'available');
});

test('deleting an image still being made cancels its job where the product allows it (UHost), and is refused where not (ZEC)', async () => {
  const p = await core.account('impatient');
  const { images } = core.kiln.services;
  const stalled = await images.import(p, 'uhost', importOf('stalled', files.stallUrl()));
  await waitFor('the stalled import to start', async () => ((await core.kiln.store.jobs.latestForImage(stalled.id))?.state === 'running' ? true : undefined));
  await images.terminate(p, 'uhost', stalled.id);
  await rejectsWith(images.get(p, 'uhost', stalled.id), 'ImageNotFound');
  const job = await core.kiln.store.jobs.latestForImage(stalled.id);
  assert.equal(job?.state, 'failed', 'the job ends with its image');

  const zec = await images.import(p, 'zec', { ...importOf('zec-stalled', files.stallUrl()), region: 'asia-east-1', zone: 'asia-east-1a' });
  await rejectsWith(images.terminate(p, 'zec', zec.id), 'ImageBusy', 'imageId');
  assert.equal((await images.get(p, 'zec', zec.id)).state, 'making');
});

test('names: CompShare refuses a name the account already uses, UHost does not, and a refused URL makes no image', async () => {
  const p = await core.account('namer');
  const { images } = core.kiln.services;
  await images.import(p, 'compshare', importOf('same'));
  await rejectsWith(images.import(p, 'compshare', importOf('same')), 'NameTaken', 'name');
  // Names are unique per account: someone else may use it.
  await images.import(await core.account('other-namer'), 'compshare', importOf('same'));

  await images.import(p, 'uhost', importOf('twice'));
  await images.import(p, 'uhost', importOf('twice'));
  assert.equal(await customCount(p), 2);

  await rejectsWith(images.import(p, 'uhost', importOf('elsewhere', 'http://127.0.0.2:9/disk.raw')), 'InvalidParameter', 'url');
  assert.equal(await customCount(p), 2);
});
