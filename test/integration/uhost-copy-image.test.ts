import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertSameBytes, patternBlock, writeAt, writeSparseDisk } from '../support/disk-files.ts';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { UCloudTestClient } from '../support/ucloud-client.ts';
import { createHost, diskPath, stopHost, waitImageSettled } from '../support/uhost-flow.ts';

/**
 * UHost CopyCustomImage over real HTTP: copies to another region, another project,
 * several regions at once and the source's own region and project, Making until the copy
 * job commits them (observed by running the server without workers for a while),
 * byte-identical hosts from the copy, DescribeImage listing each region's images only,
 * errors in UCloud shape, and a second account that can neither see nor copy any of it.
 */
const MiB = 1024 * 1024;
const REGIONS = 'cn-bj2:cn-bj2-04,cn-bj2-02;cn-sh2:cn-sh2-02,cn-sh2-03';
let kiln: KilnProcess;
let alice: UCloudTestClient;
let bob: UCloudTestClient;
let aliceProject: string;
let aliceProjectB: string;
let bobProject: string;
let sourceImage: string;
let sourceDisk: string;
let shanghaiCopy: string;

type Body = Record<string, unknown>;

async function account(name: string): Promise<{ client: UCloudTestClient; projectId: string }> {
  const a = JSON.parse(await kiln.cli(['account', 'create', name, '--json'])) as { publicKey: string; privateKey: string; projectId: string };
  return {
    client: new UCloudTestClient({ baseUrl: kiln.baseUrl, publicKey: a.publicKey, privateKey: a.privateKey, region: 'cn-bj2' }),
    projectId: a.projectId,
  };
}

/** Restarts the server with or without job workers (same data, same stores). */
async function restart(workers: string): Promise<void> {
  await kiln.kill();
  kiln.env.KILN_WORKERS = workers;
  await kiln.launch();
}

async function describe(c: UCloudTestClient, id: string, extra: Body = {}): Promise<Body | undefined> {
  const r = await c.call('DescribeImage', { ImageId: id, ...extra });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  return (r.body.ImageSet as Body[])[0];
}

async function copy(c: UCloudTestClient, params: Body): Promise<Body> {
  return (await c.call('CopyCustomImage', params)).body;
}

before(async () => {
  kiln = await KilnProcess.start({ KILN_REGIONS: REGIONS });
  const a = await account('alice');
  alice = a.client;
  aliceProject = a.projectId;
  const b = await account('bob');
  bob = b.client;
  bobProject = b.projectId;
  aliceProjectB = (JSON.parse(await kiln.cli(['account', 'project', 'alice', '--name', 'staging', '--json'])) as { projectId: string }).projectId;

  const base = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(base, 64 * MiB, [{ offset: 0, length: MiB, seed: 3 }]);
  const baseId = (JSON.parse(await kiln.cli(['image', 'add-base', base, '--name', 'Ubuntu 22.04', '--os-type', 'Linux', '--json'])) as { imageId: string })
    .imageId;
  const host = await createHost(alice, baseId);
  sourceDisk = await diskPath(kiln, host);
  await writeAt(sourceDisk, 4 * MiB - 100, patternBlock(5, 300));
  await writeAt(sourceDisk, 40 * MiB, patternBlock(6, 2 * MiB));
  await stopHost(alice, host);
  const created = await alice.call('CreateCustomImage', { UHostId: host, ImageName: 'golden', ImageDescription: 'the source' });
  assert.equal(created.body.RetCode, 0, JSON.stringify(created.body));
  sourceImage = created.body.ImageId as string;
  assert.equal((await waitImageSettled(alice, sourceImage)).State, 'Available');
});

after(async () => {
  await kiln?.stop();
});

test('copies to another region, another project and a region list are Making until their task commits them, then Available', async () => {
  await restart('0');
  const toShanghai = await copy(alice, {
    SourceImageId: sourceImage,
    TargetProjectId: aliceProject,
    TargetRegion: 'cn-sh2',
    TargetImageName: 'golden-sh',
    TargetImageDescription: 'in Shanghai',
  });
  assert.equal(toShanghai.RetCode, 0, JSON.stringify(toShanghai));
  assert.match(toShanghai.TargetImageId as string, /^uimage-/);
  assert.equal(typeof toShanghai.TaskId, 'string');
  assert.equal(toShanghai.Infos, undefined, 'a single copy answers TargetImageId and TaskId only');
  const making = await describe(alice, toShanghai.TargetImageId as string, { Region: 'cn-sh2' });
  assert.equal(making?.State, 'Making');
  assert.equal(making?.Zone, 'cn-sh2-02', "the copy lives in the target region's default zone");
  assert.equal(making?.ImageName, 'golden-sh');
  assert.equal(making?.ImageDescription, 'in Shanghai');

  // A copy still being made cannot itself be copied (8961: source not available).
  const ofMaking = await copy(alice, { SourceImageId: toShanghai.TargetImageId, TargetProjectId: aliceProjectB });
  assert.equal(ofMaking.RetCode, 8961, JSON.stringify(ofMaking));

  // Same region, another project of the same account: the name and description carry over.
  const toProject = await copy(alice, { SourceImageId: sourceImage, TargetProjectId: aliceProjectB });
  assert.equal(toProject.RetCode, 0, JSON.stringify(toProject));
  const inB = await describe(alice, toProject.TargetImageId as string, { ProjectId: aliceProjectB });
  assert.equal(inB?.ImageName, 'golden');
  assert.equal(inB?.ImageDescription, 'the source');
  assert.equal(await describe(alice, toProject.TargetImageId as string), undefined, 'the copy is in the target project, not the caller’s');
  // Without TargetRegion the copy stays in the source's region, whatever Region the call names.
  const stays = await copy(alice, { Region: 'cn-sh2', SourceImageId: sourceImage, TargetProjectId: aliceProjectB, TargetImageName: 'stays' });
  assert.equal(stays.RetCode, 0, JSON.stringify(stays));
  assert.equal((await describe(alice, stays.TargetImageId as string, { ProjectId: aliceProjectB }))?.Zone, 'cn-bj2-04');

  const batch = await copy(alice, { SourceImageId: sourceImage, TargetProjectId: aliceProjectB, TargetRegionList: ['cn-sh2', 'cn-bj2'] });
  assert.equal(batch.RetCode, 0, JSON.stringify(batch));
  assert.equal(batch.TargetImageId, undefined, 'a batch answers Infos only');
  const infos = batch.Infos as Body[];
  assert.deepEqual(
    infos.map((i) => i.TargetRegion),
    ['cn-sh2', 'cn-bj2'],
  );
  for (const i of infos) assert.match(i.TargetImageId as string, /^uimage-/);

  await restart('2');
  shanghaiCopy = toShanghai.TargetImageId as string;
  const settled = await waitImageSettled(alice, shanghaiCopy, 120_000, { Region: 'cn-sh2' });
  assert.equal(settled.State, 'Available', JSON.stringify(settled));
  assert.equal(settled.ImageSize, (await describe(alice, sourceImage))?.ImageSize);
  // Each copy is listed in its own region (DescribeImage honours Region).
  const copiesInB: [string, string][] = [
    [toProject.TargetImageId as string, 'cn-bj2'],
    ...infos.map((i): [string, string] => [i.TargetImageId as string, i.TargetRegion as string]),
  ];
  for (const [id, region] of copiesInB) {
    const img = await waitImageSettled(alice, id, 120_000, { ProjectId: aliceProjectB, Region: region });
    assert.equal(img.State, 'Available', JSON.stringify(img));
  }

  // A host from the Shanghai copy, in Shanghai, has the source's bytes.
  const host = await createHost(alice, shanghaiCopy, { Region: 'cn-sh2', Zone: 'cn-sh2-02' });
  await assertSameBytes(await diskPath(kiln, host), sourceDisk);
});

test('data-disk snapshots travel with the copy: new ids, and a host in the target region starts from them', async () => {
  const host = await createHost(alice, sourceImage, {
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 1 },
    ],
  });
  const described = await alice.call('DescribeUHostInstance', { UHostIds: [host] });
  const dataDisk = ((described.body.UHostSet as Body[])[0]!.DiskSet as Body[]).find((d) => d.IsBoot === 'False')!;
  const dataPath = await diskPath(kiln, host, 1);
  await writeAt(dataPath, 3 * MiB, patternBlock(12, MiB));
  await stopHost(alice, host);
  const created = await alice.call('CreateCustomImage', { UHostId: host, ImageName: 'with-data', DataUDiskIds: [dataDisk.DiskId] });
  assert.equal(created.body.RetCode, 0, JSON.stringify(created.body));
  assert.equal((await waitImageSettled(alice, created.body.ImageId as string)).State, 'Available');

  const copied = await copy(alice, { SourceImageId: created.body.ImageId, TargetProjectId: aliceProject, TargetRegion: 'cn-sh2' });
  assert.equal(copied.RetCode, 0, JSON.stringify(copied));
  const img = await waitImageSettled(alice, copied.TargetImageId as string, 120_000, { Region: 'cn-sh2' });
  assert.equal(img.State, 'Available');
  const snapshots = img.DataSnapshotIds as string[];
  assert.equal(snapshots.length, 1);
  assert.notDeepEqual(snapshots, created.body.DataSnapshotIds, 'the copy has snapshots of its own');

  const fromCopy = await createHost(alice, copied.TargetImageId as string, {
    Region: 'cn-sh2',
    Zone: 'cn-sh2-02',
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 1, SnapshotId: snapshots[0] },
    ],
  });
  await assertSameBytes(await diskPath(kiln, fromCopy, 1), dataPath);
});

test("a copy within the source's own region and project is a new image with its bytes, its name and description by default", async () => {
  const customTotal = async () => (await alice.call('DescribeImage', { ImageType: 'Custom' })).body.TotalCount as number;
  const before = await customTotal();
  const dup = await copy(alice, { SourceImageId: sourceImage, TargetProjectId: aliceProject });
  assert.equal(dup.RetCode, 0, JSON.stringify(dup));
  const dupId = dup.TargetImageId as string;
  assert.match(dupId, /^uimage-/);
  assert.notEqual(dupId, sourceImage);
  assert.equal(typeof dup.TaskId, 'string');
  const source = (await describe(alice, sourceImage))!;
  const img = await waitImageSettled(alice, dupId);
  assert.equal(img.State, 'Available', JSON.stringify(img));
  assert.deepEqual(
    [img.ImageName, img.ImageDescription, img.Zone, img.ImageSize, img.ImageType],
    [source.ImageName, source.ImageDescription, source.Zone, source.ImageSize, 'Custom'],
    "name, description and place default to the source's",
  );
  // The same with TargetRegion naming the source's region, and a name of its own.
  const named = await copy(alice, { SourceImageId: sourceImage, TargetProjectId: aliceProject, TargetRegion: 'cn-bj2', TargetImageName: 'golden-twin' });
  assert.equal(named.RetCode, 0, JSON.stringify(named));
  const twin = await waitImageSettled(alice, named.TargetImageId as string);
  assert.deepEqual([twin.State, twin.ImageName, twin.ImageDescription], ['Available', 'golden-twin', 'the source']);
  assert.equal(await customTotal(), before + 2);

  // A host from the duplicate has the source's bytes; deleting the duplicate leaves the source whole.
  const host = await createHost(alice, dupId);
  await assertSameBytes(await diskPath(kiln, host), sourceDisk);
  assert.equal((await alice.call('TerminateCustomImage', { ImageId: dupId })).body.RetCode, 0);
  assert.equal((await describe(alice, sourceImage))?.State, 'Available');
});

test('DescribeImage lists the region asked: each copy where it is, TotalCount and pages per region, base images in every region', async () => {
  const another = await copy(alice, { SourceImageId: sourceImage, TargetProjectId: aliceProject, TargetRegion: 'cn-sh2', TargetImageName: 'golden-sh-2' });
  assert.equal(another.RetCode, 0, JSON.stringify(another));
  await waitImageSettled(alice, another.TargetImageId as string, 120_000, { Region: 'cn-sh2' });
  // Asked the same way in both regions (GET, whose encoded answers are reused): the region is part of what is kept.
  const listing = async (Region: string, extra: Body = {}) => {
    const r = await alice.call('DescribeImage', { Region, ImageType: 'Custom', Limit: 1000, ...extra }, { encoding: 'get' });
    assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
    const set = r.body.ImageSet as Body[];
    return { total: r.body.TotalCount as number, ids: set.map((i) => i.ImageId as string), zones: set.map((i) => i.Zone as string) };
  };
  for (let round = 0; round < 2; round++) {
    const bj = await listing('cn-bj2');
    const sh = await listing('cn-sh2');
    assert.ok(bj.ids.includes(sourceImage) && !sh.ids.includes(sourceImage), 'the source is listed in its region only');
    for (const id of [shanghaiCopy, another.TargetImageId as string])
      assert.ok(sh.ids.includes(id) && !bj.ids.includes(id), `copy ${id} is listed in cn-sh2 only`);
    assert.ok(bj.zones.every((z) => z.startsWith('cn-bj2-')) && sh.zones.every((z) => z.startsWith('cn-sh2-')), JSON.stringify([bj.zones, sh.zones]));
    assert.equal(bj.total, bj.ids.length);
    assert.equal(sh.total, sh.ids.length);
    assert.ok(sh.total >= 3, `the Shanghai copies: ${JSON.stringify(sh)}`);
    // One image a page: the pages of cn-sh2 are exactly its listing, each answer with that region's TotalCount.
    const paged: string[] = [];
    for (let offset = 0; offset < sh.total + 1; offset++) {
      const page = await listing('cn-sh2', { Limit: 1, Offset: offset });
      assert.equal(page.total, sh.total);
      paged.push(...page.ids);
    }
    assert.deepEqual(paged, sh.ids);
    // An image id from another region is not found in this one.
    assert.deepEqual((await listing('cn-bj2', { ImageIds: [shanghaiCopy, sourceImage] })).ids, [sourceImage]);
  }
  const bases = async (Region: string) => (await alice.call('DescribeImage', { Region, ImageType: 'Base' })).body;
  const [bjBase, shBase] = [await bases('cn-bj2'), await bases('cn-sh2')];
  assert.ok((bjBase.TotalCount as number) >= 1);
  assert.deepEqual(shBase.ImageSet, bjBase.ImageSet, 'a base image is offered in every region');
  assert.equal(shBase.TotalCount, bjBase.TotalCount);
});

test('a copy whose source is deleted before it is committed fails with a reason; a copy being made can be deleted', async () => {
  const host = await createHostFromSource();
  await stopHost(alice, host);
  const made = await alice.call('CreateCustomImage', { UHostId: host, ImageName: 'short-lived' });
  const shortLived = made.body.ImageId as string;
  assert.equal((await waitImageSettled(alice, shortLived)).State, 'Available');

  await restart('0');
  const doomed = await copy(alice, { SourceImageId: shortLived, TargetProjectId: aliceProjectB });
  assert.equal(doomed.RetCode, 0, JSON.stringify(doomed));
  const cancelled = await copy(alice, { SourceImageId: sourceImage, TargetProjectId: aliceProjectB, TargetImageName: 'cancelled' });
  assert.equal(cancelled.RetCode, 0, JSON.stringify(cancelled));
  assert.equal((await alice.call('TerminateCustomImage', { ImageId: shortLived })).body.RetCode, 0);
  const gone = await alice.call('TerminateCustomImage', { ImageId: cancelled.TargetImageId, ProjectId: aliceProjectB });
  assert.equal(gone.body.RetCode, 0, JSON.stringify(gone.body));
  await restart('2');

  const failed = await waitFor(`copy ${String(doomed.TargetImageId)} settled`, async () => {
    const x = await describe(alice, doomed.TargetImageId as string, { ProjectId: aliceProjectB });
    return x && x.State !== 'Making' ? x : undefined;
  });
  assert.equal(failed.State, 'Unavailable');
  assert.match(String(failed.FailedReason), /deleted/);
  assert.equal(await describe(alice, cancelled.TargetImageId as string, { ProjectId: aliceProjectB }), undefined);
});

test('errors in UCloud shape', async () => {
  const project = aliceProject;
  const customCount = async () => (await alice.call('DescribeImage', { ImageType: 'Custom' })).body.TotalCount as number;
  const before = await customCount();
  const cases: [string, Body, number, RegExp?][] = [
    ['unknown target region', { SourceImageId: sourceImage, TargetProjectId: project, TargetRegion: 'mars-1' }, 230, /TargetRegion/],
    ['unknown region in the list', { SourceImageId: sourceImage, TargetProjectId: project, TargetRegionList: ['cn-sh2', 'mars-1'] }, 230, /TargetRegionList/],
    ['no target project', { SourceImageId: sourceImage, TargetRegion: 'cn-sh2' }, 230, /TargetProjectId/],
    ['no source', { TargetProjectId: project, TargetRegion: 'cn-sh2' }, 230, /SourceImageId/],
    ['another account’s project', { SourceImageId: sourceImage, TargetProjectId: bobProject, TargetRegion: 'cn-sh2' }, 292, /TargetProjectId/],
    ['unknown image', { SourceImageId: 'uimage-doesnotexist', TargetProjectId: project, TargetRegion: 'cn-sh2' }, 8956],
  ];
  for (const [what, params, retCode, message] of cases) {
    const body = await copy(alice, params);
    assert.equal(body.RetCode, retCode, `${what}: ${JSON.stringify(body)}`);
    assert.equal(body.Action, 'CopyCustomImageResponse');
    if (message) assert.match(String(body.Message), message, what);
  }
  const base = (await alice.call('DescribeImage', { ImageType: 'Base' })).body.ImageSet as Body[];
  const fromBase = await copy(alice, { SourceImageId: base[0]!.ImageId, TargetProjectId: project, TargetRegion: 'cn-sh2' });
  assert.equal(fromBase.RetCode, 8956, 'a base image is not a custom image');
  assert.equal(await customCount(), before, 'no refused call made an image');
});

test('a second account can neither copy, see nor delete the images or their copies', async () => {
  const theirs = await copy(bob, { SourceImageId: sourceImage, TargetProjectId: bobProject, TargetRegion: 'cn-sh2' });
  assert.equal(theirs.RetCode, 8956, JSON.stringify(theirs));
  const intoAlice = await copy(bob, { SourceImageId: sourceImage, TargetProjectId: aliceProjectB, TargetRegion: 'cn-sh2' });
  assert.notEqual(intoAlice.RetCode, 0);
  const listed = await bob.call('DescribeImage', { Region: 'cn-sh2', ImageType: 'Custom' });
  assert.equal(listed.body.TotalCount, 0, JSON.stringify(listed.body));
  const asProject = await bob.call('DescribeImage', { ProjectId: aliceProjectB });
  assert.equal(asProject.body.RetCode, 292, 'another account’s project is not bob’s to name');
  const del = await bob.call('TerminateCustomImage', { ImageId: sourceImage });
  assert.equal(del.body.RetCode, 8956);
  assert.equal((await describe(alice, sourceImage))?.State, 'Available');
});

async function createHostFromSource(): Promise<string> {
  return createHost(alice, sourceImage);
}
