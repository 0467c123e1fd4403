/**
 * Every CreateImage error of seed 004, provoked over real HTTP, plus the quota under 50
 * concurrent calls and the neighbours of CreateImage (an image still CREATING).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { addZecBaseImage, createZecInstance, GPU_TYPE, instanceStatus, stopZecInstance, waitCustomImageSettled, zecClient } from '../support/zec-flow.ts';
import type { ZcResult, ZenlayerTestClient } from '../support/zenlayer-client.ts';

function assertError(r: ZcResult, status: number, code: string): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.code, code, JSON.stringify(r.body));
  assert.match(r.body.requestId as string, /^T[0-9A-F-]{36}$/);
  assert.equal(typeof r.body.message, 'string');
  assert.equal(r.body.response, undefined);
}

describe('CreateImage errors (seed 004)', () => {
  let kiln: KilnProcess;
  let c: ZenlayerTestClient;
  let baseImageId: string;

  before(async () => {
    kiln = await KilnProcess.start({ KILN_CUSTOM_IMAGE_QUOTA: '2' });
    c = await zecClient(kiln);
    baseImageId = await addZecBaseImage(kiln);
  });

  /**
   * Runs `fn` against the same server restarted without job workers, so what it starts
   * (a capture, a deployment) stays in progress for as long as `fn` looks at it; then
   * restarts it with workers again.
   */
  async function withoutWorkers(fn: () => Promise<void>): Promise<void> {
    await kiln.kill();
    kiln.env.KILN_WORKERS = '0';
    await kiln.launch();
    try {
      await fn();
    } finally {
      await kiln.kill();
      delete kiln.env.KILN_WORKERS;
      await kiln.launch();
    }
  }
  after(async () => kiln?.stop());

  test('404 INVALID_INSTANCE_NOT_FOUND for an instance that does not exist', async () => {
    assertError(await c.call('CreateImage', { instanceId: 'ins-doesnotexist', imageName: 'img1' }), 404, 'INVALID_INSTANCE_NOT_FOUND');
  });

  test('400 OPERATION_DENIED_GPU_INSTANCE_NOT_SUPPORT for a GPU instance, even when stopped', async () => {
    const gpu = await createZecInstance(c, baseImageId, { instanceType: GPU_TYPE });
    const described = await c.ok('DescribeInstances', { instanceIds: [gpu] });
    assert.equal((described.dataSet as Record<string, unknown>[])[0]!.instanceType, GPU_TYPE);
    await stopZecInstance(c, gpu);
    assertError(await c.call('CreateImage', { instanceId: gpu, imageName: 'gpu-image' }), 400, 'OPERATION_DENIED_GPU_INSTANCE_NOT_SUPPORT');
  });

  test('400 OPERATION_DENIED_INSTANCE_STATUS_NOT_SUPPORT for an instance that is not STOPPED', async () => {
    const running = await createZecInstance(c, baseImageId);
    assertError(await c.call('CreateImage', { instanceId: running, imageName: 'while-running' }), 400, 'OPERATION_DENIED_INSTANCE_STATUS_NOT_SUPPORT');
  });

  test('400 OPERATION_DENIED_INSTANCE_IN_OPERATION while the instance is being imaged; a CREATING image cannot be deleted', async () => {
    const id = await createZecInstance(c, baseImageId);
    await stopZecInstance(c, id);
    let imageId = '';
    await withoutWorkers(async () => {
      // Two calls at once: the conditional transition lets exactly one of them through.
      const [a, b] = await Promise.all([
        c.call('CreateImage', { instanceId: id, imageName: 'first' }),
        c.call('CreateImage', { instanceId: id, imageName: 'second' }),
      ]);
      const [won, lost] = a.status === 200 ? [a, b] : [b, a];
      assert.equal(won.status, 200, JSON.stringify(won.body));
      assertError(lost, 400, 'OPERATION_DENIED_INSTANCE_IN_OPERATION');
      imageId = (won.body.response as { imageId: string }).imageId;

      assert.equal(await instanceStatus(c, id), 'IMAGING');
      assertError(await c.call('CreateImage', { instanceId: id, imageName: 'third' }), 400, 'OPERATION_DENIED_INSTANCE_IN_OPERATION');
      const start = await c.ok('StartInstances', { instanceIds: [id] });
      assert.deepEqual(start.instanceIds, [id], 'an instance being imaged cannot be started');
      const listed = await c.ok('DescribeCustomImages', { imageIds: [imageId] });
      assert.equal((listed.dataSet as Record<string, unknown>[])[0]!.imageStatus, 'CREATING');
      const del = await c.ok('DeleteImages', { imageIds: [imageId] });
      assert.deepEqual(del.imageIds, [imageId], 'an image still CREATING is reported as failed to delete');
    });

    assert.equal((await waitCustomImageSettled(c, imageId)).imageStatus, 'AVAILABLE');
    assert.equal(await instanceStatus(c, id), 'STOPPED');
  });

  test('400 OPERATION_DENIED_INSTANCE_IN_OPERATION while the instance is still DEPLOYING', async () => {
    await withoutWorkers(async () => {
      const r = await c.ok('CreateZecInstances', { zoneId: 'asia-east-1a', imageId: baseImageId, instanceType: 'z2a.cpu.1', subnetId: 'subnet-1' });
      const id = (r.instanceIdSet as string[])[0]!;
      assert.equal(await instanceStatus(c, id), 'DEPLOYING');
      assertError(await c.call('CreateImage', { instanceId: id, imageName: 'too-early' }), 400, 'OPERATION_DENIED_INSTANCE_IN_OPERATION');
    });
  });

  test('400 INVALID_IMAGE_QUOTA_EXCEED once the account holds its quota of custom images', async () => {
    // The quota is 2; the test above made one image. One more fits, the next does not.
    const ids = [await createZecInstance(c, baseImageId), await createZecInstance(c, baseImageId)];
    for (const id of ids) await stopZecInstance(c, id);
    const ok = await c.ok('CreateImage', { instanceId: ids[0], imageName: 'fits' });
    assertError(await c.call('CreateImage', { instanceId: ids[1], imageName: 'over' }), 400, 'INVALID_IMAGE_QUOTA_EXCEED');
    assert.equal(await instanceStatus(c, ids[1]!), 'STOPPED', 'a refused capture leaves the instance as it was');
    // Deleting an image gives its slot back.
    await waitCustomImageSettled(c, ok.imageId as string);
    assert.deepEqual((await c.ok('DeleteImages', { imageIds: [ok.imageId] })).imageIds, []);
    await c.ok('CreateImage', { instanceId: ids[1], imageName: 'fits-now' });
  });

  test('parameter errors name the parameter', async () => {
    const missing = await c.call('CreateImage', { imageName: 'x1' });
    assertError(missing, 400, 'MISSING_PARAMETER');
    assert.match(missing.body.message as string, /instanceId/);
    for (const bad of ['a', '-abc', 'abc-', 'has space', 'x'.repeat(64), 'ünï']) {
      const r = await c.call('CreateImage', { instanceId: 'ins-x', imageName: bad });
      assertError(r, 400, 'INVALID_PARAMETER_PATTERN_ERROR');
      assert.match(r.body.message as string, /imageName/);
    }
    const dupTags = await c.call('CreateImage', {
      instanceId: 'ins-x',
      imageName: 'ok-name',
      tags: {
        tags: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      },
    });
    assertError(dupTags, 400, 'INVALID_PARAMETER_VALUE');
    assert.match(dupTags.body.message as string, /tags/);
    const longKey = await c.call('CreateImage', { instanceId: 'ins-x', imageName: 'ok-name', tags: { tags: [{ key: 'k'.repeat(65), value: '1' }] } });
    assertError(longKey, 400, 'INVALID_PARAMETER_EXCEED_LENGTH');
    assert.match(longKey.body.message as string, /tags\.tags\[0\]\.key/);
    assertError(await c.call('CreateImage', { instanceId: 42, imageName: 'ok-name' }), 400, 'INVALID_PARAMETER_TYPE');
    assertError(await c.call('DescribeCustomImages', { pageSize: 1001 }), 400, 'INVALID_PARAMETER_EXCEED_MAXIMUM');
  });
});

describe('the custom image quota under 50 concurrent CreateImage calls', () => {
  let kiln: KilnProcess;
  let c: ZenlayerTestClient;

  before(async () => {
    kiln = await KilnProcess.start({ KILN_CUSTOM_IMAGE_QUOTA: '4' });
    c = await zecClient(kiln, 'go');
  });
  after(async () => kiln?.stop());

  test('exactly the quota succeeds; every other call is refused with a documented code', async () => {
    const base = await addZecBaseImage(kiln);
    // Ten stopped instances, more than the quota: an instance is imaged once at a time, so
    // the quota (checked after the busy check) is what must stop the calls that get past it.
    const instances = await Promise.all(Array.from({ length: 10 }, () => createZecInstance(c, base)));
    await Promise.all(instances.map((id) => stopZecInstance(c, id)));

    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => c.call('CreateImage', { instanceId: instances[i % 10], imageName: `race-${i}` })));
    const codes = results.map((r) => (r.status === 200 ? 'OK' : (r.body.code as string)));
    const count = (code: string) => codes.filter((x) => x === code).length;
    assert.equal(count('OK'), 4, codes.join(' '));
    assert.ok(count('INVALID_IMAGE_QUOTA_EXCEED') >= 1, codes.join(' '));
    assert.equal(count('OK') + count('INVALID_IMAGE_QUOTA_EXCEED') + count('OPERATION_DENIED_INSTANCE_IN_OPERATION'), 50, codes.join(' '));

    const listed = await c.ok('DescribeCustomImages', { pageSize: 1000 });
    assert.equal(listed.totalCount, 4);
    for (const img of listed.dataSet as { imageId: string }[]) assert.equal((await waitCustomImageSettled(c, img.imageId)).imageStatus, 'AVAILABLE');
    // Settled images still count: the next call is over quota. Every capture has settled,
    // so every instance is STOPPED and not in operation.
    for (const id of instances) assert.equal(await instanceStatus(c, id), 'STOPPED');
    const again = await c.call('CreateImage', { instanceId: instances[0], imageName: 'after-race' });
    assert.equal(again.body.code, 'INVALID_IMAGE_QUOTA_EXCEED', JSON.stringify(again.body));
  });

  test('the raced images and instances page and filter as the Describe pages say', async () => {
    const all = await c.ok('DescribeCustomImages', { pageSize: 1000 });
    const ids = (all.dataSet as { imageId: string }[]).map((x) => x.imageId);
    assert.equal(ids.length, 4);
    const page2 = await c.ok('DescribeCustomImages', { pageNum: 2, pageSize: 3 });
    assert.equal(page2.totalCount, 4);
    assert.deepEqual(
      (page2.dataSet as { imageId: string }[]).map((x) => x.imageId),
      ids.slice(3),
    );
    assert.equal((await c.ok('DescribeCustomImages', { imageStatus: 'AVAILABLE' })).totalCount, 4);
    assert.equal((await c.ok('DescribeCustomImages', { imageStatus: 'CREATING' })).totalCount, 0);
    assert.equal((await c.ok('DescribeCustomImages', { regionId: 'na-us-la-2' })).totalCount, 0);
    assert.equal((await c.ok('DescribeCustomImages', { osType: 'windows' })).totalCount, 0);

    await c.ok('ModifyImagesAttributes', { imageIds: ids.slice(0, 2), imageName: 'Renamed.Batch' });
    const renamed = await c.ok('DescribeCustomImages', { imageName: 'renamed' });
    assert.equal(renamed.totalCount, 2, 'imageName is a fuzzy, case-insensitive filter');
    assert.deepEqual(
      (renamed.dataSet as { imageId: string; imageName: string }[]).map((x) => x.imageName),
      ['Renamed.Batch', 'Renamed.Batch'],
    );
    // One unknown id leaves every image as it was.
    const partial = await c.call('ModifyImagesAttributes', { imageIds: [ids[2], 'img-nonexistent0'], imageName: 'never' });
    assert.equal(partial.body.code, 'INVALID_IMAGE_NOT_FOUND');
    assert.equal((await c.ok('DescribeCustomImages', { imageName: 'never' })).totalCount, 0);

    const stopped = await c.ok('DescribeInstances', { status: 'STOPPED', pageSize: 4, pageNum: 3 });
    assert.equal(stopped.totalCount, 10);
    assert.equal((stopped.dataSet as unknown[]).length, 2);
    assert.equal((await c.ok('DescribeInstances', { status: 'RUNNING' })).totalCount, 0);
    const status = await c.ok('DescribeInstancesStatus', { pageSize: 1000 });
    assert.equal(status.totalCount, 10);
    assert.ok((status.dataSet as { instanceStatus: string }[]).every((x) => x.instanceStatus === 'STOPPED'));
  });
});
