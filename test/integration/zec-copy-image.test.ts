import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertSameBytes, patternBlock, writeAt } from '../support/disk-files.ts';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { openStoresOf } from '../support/kiln-stores.ts';
import { addZecBaseImage, createZecInstance, stopZecInstance, waitCustomImageSettled, zecClient, zecDiskPath } from '../support/zec-flow.ts';
import type { ZenlayerTestClient } from '../support/zenlayer-client.ts';

/**
 * ZEC CopyImage, DescribeImageCopyProgress and DeleteImageCopy over real HTTP. Copies
 * are SYNCING while the server runs without workers (restarted on the same stores),
 * then AVAILABLE; one whose chunks cannot be read ends FAILED with why.
 */
const MiB = 1024 * 1024;
const REGIONS = 'asia-east-1:asia-east-1a,asia-east-1b;na-us-la-2:na-us-la-2a;eu-west-1:eu-west-1a';
let kiln: KilnProcess;
let c: ZenlayerTestClient;
let imageId: string;
let sourceDisk: string;

type Body = Record<string, unknown>;

async function restart(workers: string): Promise<void> {
  await kiln.kill();
  kiln.env.KILN_WORKERS = workers;
  await kiln.launch();
}

async function inRegion(client: ZenlayerTestClient, id: string, regionId?: string): Promise<Body | undefined> {
  const r = await client.ok('DescribeCustomImages', { imageIds: [id], ...(regionId ? { regionId } : {}) });
  return (r.dataSet as Body[])[0];
}

async function captureImage(name: string): Promise<string> {
  const id = (await c.ok('CreateImage', { instanceId: source, imageName: name })).imageId as string;
  assert.equal((await waitCustomImageSettled(c, id)).imageStatus, 'AVAILABLE');
  return id;
}

let source: string;

before(async () => {
  kiln = await KilnProcess.start({ KILN_ZC_REGIONS: REGIONS });
  c = await zecClient(kiln);
  source = await createZecInstance(c, await addZecBaseImage(kiln));
  sourceDisk = await zecDiskPath(kiln, source);
  await writeAt(sourceDisk, 10 * MiB, patternBlock(4, 3 * MiB));
  await stopZecInstance(c, source);
  imageId = await captureImage('golden.v1');
});

after(async () => {
  await kiln?.stop();
});

test('CopyImage: SYNCING in the target regions with progress, no second copy meanwhile, then AVAILABLE and usable there', async () => {
  await restart('0');
  await c.ok('CopyImage', { imageId, regionIdList: ['na-us-la-2', 'eu-west-1'] });

  const there = await inRegion(c, imageId, 'na-us-la-2');
  assert.equal(there?.imageStatus, 'SYNCING');
  assert.equal((await inRegion(c, imageId, 'asia-east-1'))?.imageStatus, 'AVAILABLE', 'the image stays available where it was');
  const across = await inRegion(c, imageId);
  assert.equal(across?.imageStatus, 'SYNCING');
  assert.deepEqual(across?.regionIdList, ['asia-east-1', 'eu-west-1', 'na-us-la-2'], 'its own region first, then its copies by region id');

  const progress = await c.ok('DescribeImageCopyProgress', { imageId });
  const rows = progress.dataSet as Body[];
  assert.deepEqual(rows.map((r) => r.destRegionId).sort(), ['eu-west-1', 'na-us-la-2']);
  for (const r of rows) {
    assert.equal(r.syncStage, 'PREPARING');
    assert.equal(r.queued, true);
    assert.equal(r.syncPercent, 0);
  }
  const la = rows.find((r) => r.destRegionId === 'na-us-la-2');
  assert.equal(la?.destRegionName, 'Los Angeles', 'named after the region’s city');

  // While a copy runs: no second copy (to any region), no copy deleted, the image not deleted.
  const again = await c.call('CopyImage', { imageId, regionIdList: ['na-us-la-2'] });
  assert.equal(again.status, 400);
  assert.equal(again.body.code, 'INVALID_IMAGE_STATUS');
  const delCopy = await c.call('DeleteImageCopy', { imageId, regionIds: ['na-us-la-2'] });
  assert.equal(delCopy.status, 400);
  assert.equal(delCopy.body.code, 'INVALID_IMAGE_STATUS');
  const del = await c.ok('DeleteImages', { imageIds: [imageId] });
  assert.deepEqual(del.imageIds, [imageId], 'an image being copied is not deleted');

  await restart('2');
  for (const region of ['na-us-la-2', 'eu-west-1']) {
    const img = await waitFor(`copy in ${region}`, async () => {
      const x = await inRegion(c, imageId, region);
      return x && x.imageStatus !== 'SYNCING' ? x : undefined;
    });
    assert.equal(img.imageStatus, 'AVAILABLE', JSON.stringify(img));
  }
  assert.equal((await inRegion(c, imageId))?.imageStatus, 'AVAILABLE');
  assert.deepEqual((await c.ok('DescribeImageCopyProgress', { imageId })).dataSet, [], 'finished copies are not listed');

  // DescribeImages in a zone of a target region lists it; an instance there has its bytes.
  const inZone = await c.ok('DescribeImages', { zoneId: 'na-us-la-2a', imageType: 'CUSTOM_IMAGE' });
  assert.ok(
    (inZone.dataSet as Body[]).some((x) => x.imageId === imageId && x.imageStatus === 'AVAILABLE'),
    JSON.stringify(inZone),
  );
  const la2 = await c.ok('CreateZecInstances', {
    zoneId: 'na-us-la-2a',
    imageId,
    instanceType: 'z2a.cpu.1',
    subnetId: '1272168087751233112',
    instanceCount: 1,
  });
  const host = (la2.instanceIdSet as string[])[0]!;
  await waitFor(
    'instance in LA',
    async () => ((await c.ok('DescribeInstancesStatus', { instanceIds: [host] })).dataSet as Body[])[0]?.instanceStatus === 'RUNNING' || undefined,
  );
  await assertSameBytes(await zecDiskPath(kiln, host), sourceDisk);

  const twice = await c.call('CopyImage', { imageId, regionIdList: ['eu-west-1'] });
  assert.equal(twice.status, 400, 'a region that has the image already is refused');
  assert.equal(twice.body.code, 'INVALID_PARAMETER_VALUE');
});

test('DeleteImageCopy: removes copies, its own region included, and keeps at least one', async () => {
  const id = await captureImage('to-trim');
  await c.ok('CopyImage', { imageId: id, regionIdList: ['na-us-la-2'] });
  await waitFor('copy', async () => (await inRegion(c, id, 'na-us-la-2'))?.imageStatus === 'AVAILABLE' || undefined);

  const unknown = await c.call('DeleteImageCopy', { imageId: id, regionIds: ['eu-west-1'] });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.code, 'INVALID_PARAMETER_VALUE', 'a region without a copy');
  const all = await c.call('DeleteImageCopy', { imageId: id, regionIds: ['asia-east-1', 'na-us-la-2'] });
  assert.equal(all.status, 400);
  assert.match(String(all.body.message), /at least one region/);

  await c.ok('DeleteImageCopy', { imageId: id, regionIds: ['asia-east-1'] });
  const moved = await inRegion(c, id);
  assert.deepEqual(moved?.regionIdList, ['na-us-la-2'], 'the copy in LA is what is left');
  assert.equal(await inRegion(c, id, 'asia-east-1'), undefined);
  const last = await c.call('DeleteImageCopy', { imageId: id, regionIds: ['na-us-la-2'] });
  assert.equal(last.status, 400, 'the last region keeps it');
  assert.deepEqual((await c.ok('DeleteImages', { imageIds: [id] })).imageIds, []);
});

test('a copy whose chunks cannot be read ends FAILED with why, and can be tried again', async () => {
  // Content no other image has, so losing its chunk breaks this image only.
  await writeAt(sourceDisk, 20 * MiB, patternBlock(9, 4 * MiB));
  const id = await captureImage('broken');
  await restart('0');
  await c.ok('CopyImage', { imageId: id, regionIdList: ['eu-west-1'] });
  // Lose one chunk of the image from the store, as a broken disk or bucket would.
  const stores = await openStoresOf(kiln.env);
  try {
    const manifest = await stores.store.images.getManifest(id);
    const key = manifest?.chunks[(20 * MiB) / manifest.chunkSize];
    assert.ok(key);
    await stores.blobs.delete(key);
  } finally {
    await stores.close();
  }
  await restart('2');
  const failed = await waitFor('copy settled', async () => {
    const x = await inRegion(c, id, 'eu-west-1');
    return x && x.imageStatus !== 'SYNCING' ? x : undefined;
  });
  assert.equal(failed.imageStatus, 'FAILED');
  assert.deepEqual((await inRegion(c, id))?.regionIdList, ['asia-east-1'], 'a failed copy is not one of its regions');
  // A failed copy does not block another try (it fails again here: the chunk is gone).
  await c.ok('CopyImage', { imageId: id, regionIdList: ['eu-west-1'] });
});

test('errors in ZEC shape, and a second account sees and copies nothing', async () => {
  const cases: [string, Body, number, string][] = [
    ['unknown region', { imageId, regionIdList: ['mars-1'] }, 400, 'INVALID_PARAMETER_VALUE'],
    ['no regions', { imageId }, 400, 'MISSING_PARAMETER'],
    ['own region', { imageId, regionIdList: ['asia-east-1'] }, 400, 'INVALID_PARAMETER_VALUE'],
    ['unknown image', { imageId: 'img-doesnotexist', regionIdList: ['eu-west-1'] }, 404, 'INVALID_IMAGE_NOT_FOUND'],
  ];
  for (const [what, params, status, code] of cases) {
    const r = await c.call('CopyImage', params);
    assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, code, what);
  }
  const noImage = await c.call('DescribeImageCopyProgress', { imageId: 'img-doesnotexist' });
  assert.equal(noImage.status, 404);
  assert.equal(noImage.body.code, 'INVALID_IMAGE_NOT_FOUND');

  const account = JSON.parse(await kiln.cli(['account', 'create', 'zec-copy-other', '--json'])) as { publicKey: string; privateKey: string };
  const other = await zecClient(kiln, 'go', account);
  for (const [action, params] of [
    ['CopyImage', { imageId, regionIdList: ['eu-west-1'] }],
    ['DescribeImageCopyProgress', { imageId }],
    ['DeleteImageCopy', { imageId, regionIds: ['na-us-la-2'] }],
  ] as const) {
    const r = await other.call(action, params);
    assert.equal(r.status, 404, `${action}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, 'INVALID_IMAGE_NOT_FOUND');
  }
  assert.equal((await other.ok('DescribeCustomImages', { regionId: 'na-us-la-2' })).totalCount, 0);
  const theirZone = await other.ok('DescribeImages', { zoneId: 'na-us-la-2a', imageType: 'CUSTOM_IMAGE' });
  assert.equal(theirZone.totalCount, 0);
  assert.deepEqual((await inRegion(c, imageId))?.regionIdList, ['asia-east-1', 'eu-west-1', 'na-us-la-2'], 'nothing of the owner’s changed');
});
