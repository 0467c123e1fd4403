import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { assertSameBytes, patternBlock, writeAt } from '../support/disk-files.ts';
import {
  addZecBaseImage,
  createZecInstance,
  instanceStatus,
  stopZecInstance,
  waitCustomImageSettled,
  zecClient,
  zecDiskPath,
  ZONE,
} from '../support/zec-flow.ts';
import type { ZenlayerTestClient } from '../support/zenlayer-client.ts';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let baseImageId: string;

before(async () => {
  kiln = await KilnProcess.start();
  baseImageId = await addZecBaseImage(kiln);
});

after(async () => {
  await kiln?.stop();
});

// The same round trip with both SDK serialisations: Python's spaced JSON and Go's compact JSON.
for (const style of ['python', 'go'] as const) {
  test(`${style} SDK: capture an instance, create a byte-identical instance from the image, delete it`, async () => {
    const c: ZenlayerTestClient = await zecClient(kiln, style);
    const source = await createZecInstance(c, baseImageId, {
      instanceName: `src-${style}`,
      lanIp: '10.0.0.8',
      securityGroupId: 'sg-1',
      tags: { tags: [{ key: 'env', value: 'test' }] },
    });
    const described = await c.ok('DescribeInstances', { instanceIds: [source] });
    const inst = (described.dataSet as Record<string, unknown>[])[0]!;
    assert.equal(inst.status, 'RUNNING');
    assert.equal(inst.zoneId, ZONE);
    assert.equal(inst.instanceType, 'z2a.cpu.1');
    assert.equal(inst.subnetId, '1272168087751233112', 'network parameters are recorded');
    assert.equal(inst.securityGroupId, 'sg-1');
    assert.deepEqual(inst.privateIpAddresses, ['10.0.0.8']);
    assert.deepEqual(inst.tags, { tags: [{ key: 'env', value: 'test' }] });
    assert.equal(inst.imageId, baseImageId);

    const disk = await zecDiskPath(kiln, source);
    // Known bytes, one write straddling a 4 MiB chunk boundary.
    await writeAt(disk, 4 * MiB - 100, patternBlock(style === 'go' ? 7 : 8, 300));
    await writeAt(disk, 30 * MiB, patternBlock(9, 2 * MiB));
    await stopZecInstance(c, source);

    const created = await c.ok('CreateImage', { instanceId: source, imageName: `golden-${style}.v1`, tags: { tags: [{ key: 'team', value: 'infra' }] } });
    const imageId = created.imageId as string;
    assert.match(imageId, /^img-/);
    assert.equal(created.imageName, `golden-${style}.v1`);

    const img = await waitCustomImageSettled(c, imageId);
    assert.equal(img.imageStatus, 'AVAILABLE', JSON.stringify(img));
    assert.equal(img.imageType, 'CUSTOM_IMAGE');
    assert.equal(img.imageSource, 'CUSTOM');
    assert.equal(img.osType, 'linux');
    assert.deepEqual(img.regionIdList, ['asia-east-1'], 'the image is made where the instance is');
    assert.deepEqual(img.tags, { tags: [{ key: 'team', value: 'infra' }] });
    assert.equal(await instanceStatus(c, source), 'STOPPED', 'the instance is released when its image is made');

    // DescribeImages in the instance's zone lists the image alongside the public one.
    const inZone = await c.ok('DescribeImages', { zoneId: ZONE });
    const ids = (inZone.dataSet as { imageId: string }[]).map((x) => x.imageId);
    assert.ok(ids.includes(imageId) && ids.includes(baseImageId), JSON.stringify(ids));
    const elsewhere = await c.ok('DescribeImages', { zoneId: 'na-us-la-2a', imageType: 'CUSTOM_IMAGE' });
    assert.ok(!(elsewhere.dataSet as { imageId: string }[]).some((x) => x.imageId === imageId), 'a custom image lives in its zone only');

    const copy = await createZecInstance(c, imageId);
    await assertSameBytes(await zecDiskPath(kiln, copy), disk);

    const deleted = await c.ok('DeleteImages', { imageIds: [imageId] });
    assert.deepEqual(deleted.imageIds, [], 'no image failed to delete');
    const after = await c.ok('DescribeCustomImages', { imageIds: [imageId] });
    assert.equal(after.totalCount, 0);
    const released = await c.ok('ReleaseInstances', { instanceIds: [source, copy] });
    assert.deepEqual(released.instanceIds, []);
    const left = await c.ok('DescribeInstances', { instanceIds: [source, copy] });
    assert.equal(left.totalCount, 0);
  });
}
