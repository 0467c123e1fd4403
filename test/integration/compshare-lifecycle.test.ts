import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { assertSameBytes, patternBlock, writeAt, writeSparseDisk } from '../support/disk-files.ts';
import {
  addCompShareBase,
  createGpuHost,
  cs,
  describeImage,
  diskPath,
  ok,
  otherAccount,
  stopGpuHost,
  waitGpuHostState,
  waitImageAvailable,
  type Body,
} from '../support/compshare-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let owner: UCloudTestClient;
let other: UCloudTestClient;
let baseImageId: string;

// Every field the seed lists for CompShareImage, in its order (Readme only for one id).
const imageFields = [
  'CompShareImageId',
  'Name',
  'Author',
  'AuthInfo',
  'ImageOwnerAlias',
  'ImageType',
  'IsOfficial',
  'Container',
  'Status',
  'Size',
  'Visibility',
  'Description',
  'Tags',
  'Price',
  'Cover',
  'Readme',
  'Softwares',
  'CreatedCount',
  'FavoritesCount',
  'FailedReason',
  'CreateTime',
  'PubTime',
  'Owner',
  'GroupId',
  'VersionName',
  'VersionDesc',
  'SourceGpuType',
  'AutoStart',
  'ImageCharge',
  'ImageUseTime',
];

before(async () => {
  // Heartbeats carry job progress; frequent ones let the test watch a capture advance.
  kiln = await KilnProcess.start({ KILN_JOB_HEARTBEAT_MS: '100' });
  owner = await kiln.adminClient();
  other = (await otherAccount(kiln, 'second')).client;
  const base = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(base, 64 * MiB, [
    { offset: 0, length: MiB, seed: 1 },
    { offset: 33 * MiB, length: 2 * MiB, seed: 2 },
  ]);
  baseImageId = await addCompShareBase(kiln, base, 'Ubuntu 22.04 CUDA 12.1');
});

after(async () => {
  await kiln?.stop();
});

test('GPU host -> custom image with software metadata -> community -> another account gets the same bytes', async () => {
  // A 2 GB system disk (sparse) with 256 MiB of data: a capture reads only the data, so
  // there must be enough of it for the progress to be watched.
  const hostA = await createGpuHost(owner, baseImageId, { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 2 }] });
  const described = await waitGpuHostState(owner, hostA, 'Running');
  assert.equal(described.GpuType, '4090');
  assert.equal(described.GPU, 1);
  assert.equal(described.CompShareImageId, baseImageId);
  assert.equal(described.CompShareImageType, 'System');

  const diskA = await diskPath(kiln, hostA);
  await writeAt(diskA, 4 * MiB - 100, patternBlock(42, 300)); // straddles a chunk boundary
  await writeAt(diskA, 1500 * MiB, patternBlock(43, 2 * MiB));
  const noise = Buffer.allocUnsafe(8 * MiB);
  for (let i = 0; i < 32; i++) await writeAt(diskA, 100 * MiB + i * 40 * MiB, randomFillSync(noise));

  const running = await cs(owner, 'CreateCompShareCustomImage', { UHostId: hostA, Name: 'while-running' });
  assert.equal(running.RetCode, 8010, 'a running host cannot be imaged');

  await stopGpuHost(owner, hostA);
  const created = await ok(owner, 'CreateCompShareCustomImage', {
    UHostId: hostA,
    Name: 'torch-golden',
    Description: 'PyTorch on CUDA',
    Softwares: { Framework: 'PyTorch', FrameworkVersion: '2.3.1', CUDAVersion: '12.1', Application: ['JupyterLab', 'TensorBoard'] },
  });
  const imageId = created.CompShareImageId as string;
  assert.match(imageId, /^compshareimage-/);

  // Progress rises (never falls) to 100, and 100 comes with Available.
  const samples: number[] = [];
  for (const deadline = Date.now() + 60_000; ; ) {
    const pr = await ok(owner, 'GetCompShareImageCreateProgress', { CompShareImageId: imageId });
    assert.equal(typeof pr.Process, 'number');
    assert.equal(typeof pr.TotalDuration, 'string');
    assert.equal(typeof pr.RemainingDuration, 'string');
    samples.push(pr.Process as number);
    if (pr.Process === 100) {
      assert.equal(pr.RemainingDuration, '0');
      break;
    }
    assert.ok(Date.now() < deadline, `progress stuck: ${samples.join(',')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (let i = 1; i < samples.length; i++) assert.ok(samples[i]! >= samples[i - 1]!, `progress fell: ${samples.join(',')}`);
  assert.ok(samples[0]! < 100, 'the first sample was taken while the image was being made');
  assert.ok(
    samples.some((s) => s > 0 && s < 100),
    `an intermediate value was seen: ${samples.join(',')}`,
  );

  const img = await waitImageAvailable(owner, imageId);
  assert.deepEqual(Object.keys(img), imageFields, 'every CompShareImage field, in the seed order');
  assert.equal(img.CompShareImageId, imageId);
  assert.equal(img.Name, 'torch-golden');
  assert.equal(img.Author, 'admin');
  assert.equal(img.ImageType, 'Custom');
  assert.equal(img.IsOfficial, true, 'captured from an official base image');
  assert.equal(img.Container, 'False');
  assert.equal(img.Status, 'Available');
  assert.equal(img.Size, 2048, 'MB');
  assert.equal(img.Visibility, 0);
  assert.equal(img.Description, 'PyTorch on CUDA');
  assert.deepEqual(img.Softwares, { Framework: 'PyTorch', FrameworkVersion: '2.3.1', CUDAVersion: '12.1', Applications: ['JupyterLab', 'TensorBoard'] });
  assert.equal(img.FailedReason, '');
  assert.equal(img.SourceGpuType, '4090');
  assert.equal(img.PubTime, 0);
  assert.equal(img.Readme, '');
  const now = Date.now() / 1000;
  assert.ok((img.CreateTime as number) > now - 300 && (img.CreateTime as number) <= now + 1, `CreateTime ${String(img.CreateTime)} is unix seconds`);
  assert.equal((img.Owner as Body).AccountName, 'admin');
  assert.match((img.Owner as Body).AccountId as string, /^acc-/);

  // Readme only when one id is asked for.
  const listed = await ok(owner, 'DescribeCompShareCustomImages', {});
  assert.equal(listed.TotalCount, 1);
  assert.equal('Readme' in (listed.ImageSet as Body[])[0]!, false);

  const updated = await ok(owner, 'UpdateCompShareImage', {
    CompShareImageId: imageId,
    Readme: '# Torch\nReady to train.',
    Tags: ['pytorch', 'cuda12'],
    Cover: Buffer.from('png bytes').toString('base64'),
    Description: 'PyTorch 2.3 on CUDA 12.1',
  });
  assert.equal(updated.RetCode, 0);
  const afterUpdate = (await describeImage(owner, imageId))!;
  assert.equal(afterUpdate.Readme, '# Torch\nReady to train.');
  assert.deepEqual(afterUpdate.Tags, ['pytorch', 'cuda12']);
  assert.equal(afterUpdate.Cover, Buffer.from('png bytes').toString('base64'));
  assert.equal(afterUpdate.Description, 'PyTorch 2.3 on CUDA 12.1');
  assert.deepEqual((afterUpdate.Softwares as Body).Applications, ['JupyterLab', 'TensorBoard'], 'untouched metadata is kept');
  const tooManyTags = await cs(owner, 'UpdateCompShareImage', { CompShareImageId: imageId, Tags: ['a', 'b', 'c', 'd'] });
  assert.equal(tooManyTags.RetCode, 230);

  // Not yet public: the other account sees nothing and cannot use it.
  assert.equal((await ok(other, 'DescribeCommunityImages', {})).TotalCount, 0);
  const hidden = await cs(other, 'CreateCompShareInstance', {
    CompShareImageId: imageId,
    MachineType: 'G',
    GpuType: '4090',
    GPU: 1,
    CPU: 16,
    Memory: 65536,
    Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 4 }],
  });
  assert.equal(hidden.RetCode, 8956, JSON.stringify(hidden));

  const published = await ok(owner, 'PublishCompShareImage', { CompShareImageId: imageId, Price: 0, AutoStart: 'true' });
  assert.equal(published.NewCompShareImageId, imageId);
  const mine = (await describeImage(owner, imageId))!;
  assert.equal(mine.Visibility, 1);
  assert.ok((mine.PubTime as number) >= (mine.CreateTime as number));
  assert.equal(mine.AutoStart, true);

  // The second account finds it in the community catalogue, fully described.
  const community = await ok(other, 'DescribeCommunityImages', {});
  assert.equal(community.TotalCount, 1);
  const entry = (community.ImageSet as Body[])[0]!;
  assert.equal(entry.CompShareImageId, imageId);
  assert.equal(entry.ImageType, 'Community');
  assert.equal(entry.Author, 'admin');
  assert.equal(entry.SourceGpuType, '4090');
  assert.deepEqual((entry.Softwares as Body).Framework, 'PyTorch');
  assert.equal((await ok(other, 'DescribeCommunityImages', { Name: 'TORCH' })).TotalCount, 1, 'name search is a substring match');
  assert.equal((await ok(other, 'DescribeCommunityImages', { Name: 'nomatch' })).TotalCount, 0);
  assert.equal((await ok(other, 'DescribeCommunityImages', { Author: 'admin' })).TotalCount, 1);
  assert.equal((await ok(other, 'DescribeCommunityImages', { Author: 'second' })).TotalCount, 0);
  assert.equal((await ok(other, 'DescribeCompShareCustomImages', {})).TotalCount, 0, "a community image is not the caller's own");

  // ... creates a host from it, and that host's disk holds the same bytes.
  const hostB = await createGpuHost(other, imageId, { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 2 }] });
  const hostBView = await waitGpuHostState(other, hostB, 'Running');
  assert.equal(hostBView.CompShareImageType, 'Community');
  assert.equal(hostBView.CompShareImageName, 'torch-golden');
  await assertSameBytes(await diskPath(kiln, hostB), diskA);
  assert.equal((await describeImage(owner, imageId))!.CreatedCount, 1, "the other account's host");

  // ... but cannot change, publish, copy or delete it.
  for (const [action, params] of [
    ['UpdateCompShareImage', { CompShareImageId: imageId, Description: 'mine now' }],
    ['PublishCompShareImage', { CompShareImageId: imageId, Price: 1 }],
    ['TerminateCompShareCustomImage', { CompShareImageId: imageId }],
    ['CopyCompShareCustomImage', { CompShareImageId: imageId }],
  ] as const) {
    const denied = await cs(other, action, params);
    assert.equal(denied.RetCode, 299, `${action}: ${JSON.stringify(denied)}`);
  }
  const untouched = (await describeImage(owner, imageId))!;
  assert.equal(untouched.Description, 'PyTorch 2.3 on CUDA 12.1');
  assert.equal(untouched.Status, 'Available');

  // Unpublishing takes it out of the catalogue; the host made from it keeps running.
  await ok(owner, 'UpdateCompShareImage', { CompShareImageId: imageId, Visibility: 0 });
  assert.equal((await ok(other, 'DescribeCommunityImages', {})).TotalCount, 0);
  assert.equal((await waitGpuHostState(other, hostB, 'Running')).UHostId, hostB);

  // The use ends with the host: the owner's listing, asked (and kept) meanwhile, counts it no more.
  assert.equal((await describeImage(owner, imageId))!.CreatedCount, 1);
  await ok(other, 'TerminateCompShareInstance', { UHostId: hostB });
  for (let i = 0; i < 200 && ((await ok(other, 'DescribeCompShareInstance', { UHostIds: [hostB] })).TotalCount as number) > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal((await describeImage(owner, imageId))!.CreatedCount, 0);
});

test('a copy is Available at once and gives hosts the same bytes; the source can go', async () => {
  const host = await createGpuHost(owner, baseImageId);
  await writeAt(await diskPath(kiln, host), 10 * MiB, patternBlock(7, MiB));
  await stopGpuHost(owner, host);
  const src = (await ok(owner, 'CreateCompShareCustomImage', { UHostId: host, Name: 'copy-source', Softwares: { CUDAVersion: '11.8' } }))
    .CompShareImageId as string;
  await waitImageAvailable(owner, src);

  const notReady = await ok(owner, 'CopyCompShareCustomImage', { CompShareImageId: src, TargetImageName: 'the-copy' });
  const copyId = notReady.NewCompShareImageId as string;
  const copy = (await describeImage(owner, copyId))!;
  assert.equal(copy.Status, 'Available', 'no job: the copy shares the manifest');
  assert.equal(copy.Name, 'the-copy');
  assert.equal(copy.Visibility, 0);
  assert.equal((copy.Softwares as Body).CUDAVersion, '11.8');
  assert.equal(copy.SourceGpuType, '4090');

  const dup = await cs(owner, 'CopyCompShareCustomImage', { CompShareImageId: src, TargetImageName: 'the-copy' });
  assert.equal(dup.RetCode, 230, 'names are unique per account');
  assert.match(dup.Message as string, /already exists/);
  const defaultName = await ok(owner, 'CopyCompShareCustomImage', { CompShareImageId: src });
  assert.match((await describeImage(owner, defaultName.NewCompShareImageId as string))!.Name as string, /^copy-source-copy-/);

  const noPrice = await cs(owner, 'PublishCompShareImage', { CompShareImageId: copyId });
  assert.equal(noPrice.RetCode, 230);
  assert.equal(noPrice.Message, 'Params [Price] not available');
  await ok(owner, 'PublishCompShareImage', { CompShareImageId: copyId, Price: '9.99', CommunityImageName: 'cuda-11.8-box', Tags: ['cuda'] });
  const pub = (await describeImage(owner, copyId))!;
  assert.equal(pub.Name, 'cuda-11.8-box', "the community name is the image's name");
  assert.equal(pub.Price, 9.99);
  assert.equal(pub.ImageCharge, true);
  assert.deepEqual(pub.Tags, ['cuda']);
  const asc = await cs(owner, 'DescribeCommunityImages', { 'SortCondition.Field': 'Price' });
  assert.equal(asc.RetCode, 230, 'an order not supported is refused, not ignored');

  await ok(owner, 'TerminateCompShareCustomImage', { CompShareImageId: src });
  assert.equal(await describeImage(owner, src), undefined);
  const gone = await cs(owner, 'TerminateCompShareCustomImage', { CompShareImageId: src });
  assert.equal(gone.RetCode, 8956);
  // Chunks the copy references survive the source's deletion and a GC pass.
  await kiln.cli(['gc', '--json']);
  const fromCopy = await createGpuHost(owner, copyId);
  await assertSameBytes(await diskPath(kiln, fromCopy), await diskPath(kiln, host));
});

test('GPU host lifecycle: stop, start, reboot, terminate', async () => {
  const host = await createGpuHost(owner, baseImageId, { GpuType: 'A100', GPU: 2 });
  const view = await waitGpuHostState(owner, host, 'Running');
  assert.equal(view.GPU, 2);
  assert.equal(view.GpuType, 'A100');
  assert.equal((view.DiskSet as Body[])[0]!.IsBoot, 'True');
  assert.equal((await ok(owner, 'RebootCompShareInstance', { UHostId: host })).UHostId, host);
  await stopGpuHost(owner, host);
  assert.equal((await cs(owner, 'RebootCompShareInstance', { UHostId: host })).RetCode, 8905, 'a stopped host cannot reboot');
  await ok(owner, 'StartCompShareInstance', { UHostId: host });
  await waitGpuHostState(owner, host, 'Running');
  assert.equal((await cs(other, 'StopCompShareInstance', { UHostId: host })).RetCode, 8039, "another account's host does not exist for it");
  await ok(owner, 'TerminateCompShareInstance', { UHostId: host });
  const after = await ok(owner, 'DescribeCompShareInstance', { UHostIds: [host] });
  assert.equal(after.TotalCount, 0);
  // UHost and CompShare keep their hosts apart.
  const uhostView = (await owner.call('DescribeUHostInstance', {})).body;
  assert.equal(uhostView.RetCode, 0);
  assert.equal((uhostView.UHostSet as Body[]).length, 0, 'no CompShare host is listed as a UHost');
});

test('parameters: Zone is required, Limit is capped at 100, GPU hosts need a GpuType', async () => {
  const noZone = (await owner.call('DescribeCompShareCustomImages', {})).body;
  assert.equal(noZone.RetCode, 230);
  assert.equal(noZone.Message, 'Params [Zone] not available');
  assert.equal((await cs(owner, 'DescribeCompShareCustomImages', { Limit: 101 })).RetCode, 230);
  const noGpuType = await cs(owner, 'CreateCompShareInstance', {
    CompShareImageId: baseImageId,
    GPU: 1,
    Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }],
  });
  assert.equal(noGpuType.RetCode, 230);
  assert.match(noGpuType.Message as string, /GpuType/);
  const missing = await cs(owner, 'GetCompShareImageCreateProgress', { CompShareImageId: 'compshareimage-nope' });
  assert.equal(missing.RetCode, 8956);
});
