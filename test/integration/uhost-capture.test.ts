import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { assertSameBytes, patternBlock, writeAt, writeSparseDisk } from '../support/disk-files.ts';
import { createHost, diskPath, stopHost, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let client: UCloudTestClient;
let baseImageId: string;

before(async () => {
  kiln = await KilnProcess.start();
  client = await kiln.adminClient();
  const base = join(kiln.dataDir, 'base.raw');
  // 64 MiB base disk whose size is not a multiple of the chunk size, with data at the edges.
  await writeSparseDisk(base, 64 * MiB + 4096, [
    { offset: 0, length: 1 * MiB, seed: 1 },
    { offset: 40 * MiB + 123, length: 3 * MiB, seed: 2 },
    { offset: 64 * MiB, length: 4096, seed: 3 },
  ]);
  const out = JSON.parse(await kiln.cli(['image', 'add-base', base, '--name', 'Ubuntu 22.04', '--os-type', 'Linux', '--json'])) as { imageId: string };
  baseImageId = out.imageId;
});

after(async () => {
  await kiln?.stop();
});

test('a host created from a captured image has a disk byte-identical to its source', async () => {
  const hostA = await createHost(client, baseImageId);
  const diskA = await diskPath(kiln, hostA);
  // The operator command the other suites' diskPath stands in for says the same.
  assert.equal((await kiln.cli(['instance', 'disk', hostA])).trim(), `${diskA}\tqcow2`);
  assert.deepEqual(JSON.parse(await kiln.cli(['instance', 'disk', hostA, '--index', '0', '--json'])), { path: diskA, format: 'qcow2' });
  // Known bytes, including a write that straddles a chunk boundary.
  await writeAt(diskA, 4 * MiB - 100, patternBlock(42, 300));
  await writeAt(diskA, 500 * MiB, patternBlock(43, 2 * MiB));

  const running = await client.call('CreateCustomImage', { UHostId: hostA, ImageName: 'while-running' });
  assert.equal(running.body.RetCode, 8010, 'a running host cannot be imaged');

  await stopHost(client, hostA);
  const created = await client.call('CreateCustomImage', { UHostId: hostA, ImageName: 'golden', ImageDescription: 'captured by test' });
  assert.equal(created.body.RetCode, 0, JSON.stringify(created.body));
  const imageId = created.body.ImageId as string;
  assert.match(imageId, /^uimage-/);
  assert.deepEqual(created.body.DataSnapshotIds, []);

  const img = await waitImageSettled(client, imageId);
  assert.equal(img.State, 'Available', JSON.stringify(img));
  assert.equal(img.ImageType, 'Custom');
  assert.equal(img.ImageName, 'golden');
  assert.equal(img.ImageDescription, 'captured by test');
  assert.equal(img.OsType, 'Linux');
  assert.equal(img.Zone, 'cn-bj2-04');
  assert.equal(img.ImageSize, 1);

  const hostB = await createHost(client, imageId);
  const diskB = await diskPath(kiln, hostB);
  await assertSameBytes(diskB, diskA);
});

test('data disks named in DataUDiskIds become snapshots that new hosts can start from', async () => {
  const host = await createHost(client, baseImageId, {
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 1 },
    ],
  });
  const described = await client.call('DescribeUHostInstance', { UHostIds: [host] });
  const disks = (described.body.UHostSet as Record<string, unknown>[])[0]!.DiskSet as Record<string, unknown>[];
  assert.equal(disks.length, 2);
  const dataDisk = disks.find((d) => d.IsBoot === 'False')!;
  const dataPath = await diskPath(kiln, host, 1);
  await writeAt(dataPath, 7 * MiB, patternBlock(77, MiB));
  await stopHost(client, host);

  const created = await client.call('CreateCustomImage', { UHostId: host, ImageName: 'with-data', DataUDiskIds: [dataDisk.DiskId] });
  assert.equal(created.body.RetCode, 0, JSON.stringify(created.body));
  const snapshots = created.body.DataSnapshotIds as string[];
  assert.equal(snapshots.length, 1);
  const img = await waitImageSettled(client, created.body.ImageId as string);
  assert.equal(img.State, 'Available');
  assert.deepEqual(img.DataSnapshotIds, snapshots);

  const copy = await createHost(client, created.body.ImageId as string, {
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 1, SnapshotId: snapshots[0] },
    ],
  });
  await assertSameBytes(await diskPath(kiln, copy, 1), dataPath);
  await assertSameBytes(await diskPath(kiln, copy, 0), await diskPath(kiln, host, 0));
});

test('DescribeImage lists base and custom images with totals, filters and paging', async () => {
  const all = await client.call('DescribeImage', {});
  assert.equal(all.body.RetCode, 0);
  const total = all.body.TotalCount as number;
  assert.ok(total >= 3, `expected base + custom images, got ${total}`);
  const base = await client.call('DescribeImage', { ImageType: 'Base' });
  assert.equal(base.body.TotalCount, 1);
  assert.equal((base.body.ImageSet as Record<string, unknown>[])[0]!.ImageId, baseImageId);
  const custom = await client.call('DescribeImage', { ImageType: 'Custom', Limit: 1 });
  assert.equal(custom.body.TotalCount, total - 1);
  assert.equal((custom.body.ImageSet as unknown[]).length, 1);
  const windows = await client.call('DescribeImage', { OsType: 'Windows' });
  assert.equal(windows.body.TotalCount, 0);

  const seen = new Set<string>();
  for (let offset = 0; offset < total; offset++) {
    const page = await client.call('DescribeImage', { Offset: offset, Limit: 1 });
    for (const i of page.body.ImageSet as Record<string, unknown>[]) seen.add(i.ImageId as string);
  }
  assert.equal(seen.size, total);
});

test('TerminateCustomImage deletes a custom image and refuses base images', async () => {
  const host = await createHost(client, baseImageId);
  await stopHost(client, host);
  const created = await client.call('CreateCustomImage', { UHostId: host, ImageName: 'doomed' });
  const imageId = created.body.ImageId as string;
  await waitImageSettled(client, imageId);
  const del = await client.call('TerminateCustomImage', { ImageId: imageId });
  assert.equal(del.body.RetCode, 0, JSON.stringify(del.body));
  assert.equal(del.body.ImageId, imageId);
  const gone = await client.call('DescribeImage', { ImageId: imageId });
  assert.equal(gone.body.TotalCount, 0);
  const again = await client.call('TerminateCustomImage', { ImageId: imageId });
  assert.equal(again.body.RetCode, 8956);
  const base = await client.call('TerminateCustomImage', { ImageId: baseImageId });
  assert.equal(base.body.RetCode, 8956);
});
