import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { addCompShareBase, createGpuHost, cs, ok, otherAccount, stopGpuHost, waitImageAvailable, type Body } from '../support/compshare-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let owner: UCloudTestClient;
let alice: UCloudTestClient;
let bob: UCloudTestClient;
let baseFile: string;
const official: string[] = [];
let ownerImage: string;
let aliceImage: string;

async function addBase(name: string, product?: string): Promise<string> {
  const args = ['image', 'add-base', baseFile, '--name', name, '--os-type', 'Linux', '--json', ...(product ? ['--product', product] : [])];
  return (JSON.parse(await kiln.cli(args)) as { imageId: string }).imageId;
}

async function capture(c: UCloudTestClient, name: string): Promise<string> {
  const host = await createGpuHost(c, official[0]!);
  await stopGpuHost(c, host);
  const id = (await ok(c, 'CreateCompShareCustomImage', { UHostId: host, Name: name })).CompShareImageId as string;
  await waitImageAvailable(c, id);
  return id;
}

const publish = (c: UCloudTestClient, id: string, extra: Record<string, unknown> = {}) =>
  ok(c, 'PublishCompShareImage', { CompShareImageId: id, Price: 0, ...extra });
const ids = (set: unknown) => (set as Body[]).map((i) => i.CompShareImageId as string);
const groupIds = (body: Body) => (body.ImageSetGroup as Body[]).map((g) => g.GroupId as string);

before(async () => {
  kiln = await KilnProcess.start({ KILN_CUSTOM_IMAGE_QUOTA: '300' });
  owner = await kiln.adminClient();
  alice = (await otherAccount(kiln, 'alice')).client;
  bob = (await otherAccount(kiln, 'bob')).client;
  baseFile = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(baseFile, 16 * MiB, [{ offset: 0, length: MiB, seed: 5 }]);
  official.push(await addCompShareBase(kiln, baseFile, 'Ubuntu 22.04 CUDA'));
  official.push(await addBase('Debian 12'));
  await addBase('UHost only', 'uhost');
  ownerImage = await capture(owner, 'owner-golden');
  aliceImage = await capture(alice, 'alice-golden');
});

after(async () => {
  await kiln?.stop();
});

test('DescribeCompShareImages: the official images, oldest first, the same for every account', async () => {
  assert.match(official[1]!, /^base-/, 'a base image of every product has a neutral id');
  const all = await ok(bob, 'DescribeCompShareImages', {});
  assert.equal(all.TotalCount, 2);
  assert.deepEqual(ids(all.ImageSet), official, 'compshare and all-product base images, not the UHost-only one');
  for (const img of all.ImageSet as Body[]) {
    assert.equal(img.ImageType, 'System');
    assert.equal(img.ImageOwnerAlias, 'Official');
    assert.equal(img.Status, 'Available');
  }
  assert.deepEqual(ids((await ok(owner, 'DescribeCompShareImages', {})).ImageSet), official);
  assert.deepEqual(ids((await ok(bob, 'DescribeCompShareImages', { Name: 'debian' })).ImageSet), [official[1]]);
  const one = await ok(bob, 'DescribeCompShareImages', { CompShareImageId: official[0] });
  assert.equal((one.ImageSet as Body[])[0]!.Readme, '', 'Readme when one id is asked for');
  assert.equal((await ok(bob, 'DescribeCompShareImages', { CompShareImageId: ownerImage })).TotalCount, 0, 'custom images are not official');
  assert.equal((await ok(bob, 'DescribeCompShareImages', { ImageType: 'App' })).TotalCount, 0);
  assert.equal((await ok(bob, 'DescribeCompShareImages', { Author: 'admin' })).TotalCount, 0);
  const page = await ok(bob, 'DescribeCompShareImages', { Offset: 1, Limit: 1 });
  assert.deepEqual(ids(page.ImageSet), [official[1]]);
  assert.equal(page.TotalCount, 2);

  const tag = await cs(bob, 'DescribeCompShareImages', { Tag: 'cuda' });
  assert.equal(tag.RetCode, 230);
  assert.equal(tag.Message, 'Params [Tag] not valid: filtering official images by Tag is not supported yet');
  assert.equal((await cs(bob, 'DescribeCompShareImages', { ImageType: 'Custom' })).RetCode, 230);
  assert.equal((await cs(bob, 'DescribeCompShareImages', { Limit: 101 })).Message, 'Params [Limit] not valid: between 0 and 100 (got 101)');
  assert.equal((await cs(bob, 'DescribeCompShareImages', { Region: 'xx-nowhere' })).RetCode, 230);

  // Base images added while a caller pages land after the pages it has read.
  // One after the other, so their order is known.
  const adding = (async () => [await addBase('Added 1', 'compshare'), await addBase('Added 2')])();
  const seen: string[] = [];
  for (let offset = 0; ; offset += 1) {
    const p = ids((await ok(bob, 'DescribeCompShareImages', { Offset: offset, Limit: 1 })).ImageSet);
    seen.push(...p);
    if (p.length < 1) break;
  }
  const added = await adding;
  assert.deepEqual(seen.slice(0, 2), official);
  assert.equal(new Set(seen).size, seen.length, 'no duplicate');
  assert.deepEqual(ids((await ok(bob, 'DescribeCompShareImages', {})).ImageSet), [...official, ...added]);
  official.push(...added);
});

test('Self and User community views: published images as groups of one; private ones nowhere', async () => {
  assert.equal((await ok(owner, 'DescribeSelfCommunityImages', {})).TotalCount, 0, 'nothing published yet');
  await publish(owner, ownerImage, { Tags: ['pytorch', 'cuda12'] });
  await publish(alice, aliceImage, { Tags: ['llm'] });
  const privateCopy = (await ok(owner, 'CopyCompShareCustomImage', { CompShareImageId: ownerImage, TargetImageName: 'private-copy' }))
    .NewCompShareImageId as string;
  await ok(owner, 'UpdateCompShareImage', { CompShareImageId: privateCopy, Tags: ['secret'] });

  const self = await ok(owner, 'DescribeSelfCommunityImages', {});
  assert.deepEqual(groupIds(self), [ownerImage], 'the owner’s published image only');
  assert.equal(self.TotalCount, 1);
  assert.equal(self.AvailableTotalCount, 1);
  const group = (self.ImageSetGroup as Body[])[0]!;
  assert.equal(group.ImageName, 'owner-golden');
  assert.equal(group.Status, 'Available');
  assert.deepEqual(ids(group.Data), [ownerImage]);
  assert.equal(((group.Data as Body[])[0]!.Owner as Body).AccountName, 'admin');
  assert.deepEqual(groupIds(await ok(alice, 'DescribeSelfCommunityImages', {})), [aliceImage]);
  assert.equal((await ok(bob, 'DescribeSelfCommunityImages', {})).TotalCount, 0, 'bob published nothing');
  assert.deepEqual(groupIds(await ok(owner, 'DescribeSelfCommunityImages', { GroupId: ownerImage })), [ownerImage]);
  assert.equal((await ok(owner, 'DescribeSelfCommunityImages', { CompShareImageId: aliceImage })).TotalCount, 0, 'not another account’s');
  assert.equal((await ok(owner, 'DescribeSelfCommunityImages', { CompShareImageId: privateCopy })).TotalCount, 0, 'not a private image');

  const user = await ok(bob, 'DescribeUserCommunityImages', {});
  assert.deepEqual(groupIds(user), [ownerImage, aliceImage], 'every account’s, oldest first');
  assert.equal(user.TotalCount, 2);
  assert.deepEqual(groupIds(await ok(bob, 'DescribeUserCommunityImages', { SortCondition: { Field: 'PubTime', ASC: 'false' } })), [aliceImage, ownerImage]);
  assert.deepEqual(groupIds(await ok(bob, 'DescribeUserCommunityImages', { Author: 'alice' })), [aliceImage]);
  assert.equal((await ok(bob, 'DescribeUserCommunityImages', { Author: 'nobody' })).TotalCount, 0);
  assert.deepEqual(groupIds(await ok(bob, 'DescribeUserCommunityImages', { Name: 'OWNER' })), [ownerImage]);
  assert.equal((await ok(bob, 'DescribeUserCommunityImages', { IsOfficial: true })).TotalCount, 0);
  for (const [params, param] of [
    [{ Tag: 'llm' }, 'Tag'],
    [{ FuzzySearch: 'gold' }, 'FuzzySearch'],
    [{ IsFree: true }, 'IsFree'],
    [{ SortCondition: { Field: 'Favor' } }, 'SortCondition.Field'],
    [{ SortCondition: { ASC: 'maybe' } }, 'SortCondition.ASC'],
  ] as const) {
    const r = await cs(bob, 'DescribeUserCommunityImages', params);
    assert.equal(r.RetCode, 230, JSON.stringify(r));
    assert.match(String(r.Message), new RegExp(`^Params \\[${param.replace('.', '\\.')}\\] not valid: `));
  }
  assert.equal((await cs(bob, 'DescribeSelfCommunityImages', { Zone: 'cn-nowhere-01' })).RetCode, 230);

  const tags = await ok(bob, 'DescribeCompShareImageTags', {});
  assert.deepEqual(tags.Tags, ['cuda12', 'llm', 'pytorch'], 'published images’ tags, sorted, without the private image’s');
  assert.equal((await cs(bob, 'DescribeCompShareImageTags', { Region: 'xx-nowhere' })).RetCode, 230);
});

test('DescribeUserCommunityImages pages without a gap or a duplicate while images are published', async () => {
  const before = groupIds(await ok(bob, 'DescribeUserCommunityImages', { Limit: 100 }));
  const copy = async (n: number) => {
    const id = (await ok(owner, 'CopyCompShareCustomImage', { CompShareImageId: ownerImage, TargetImageName: `pub-${n}` })).NewCompShareImageId as string;
    await publish(owner, id);
    return id;
  };
  const initial: string[] = [];
  for (let n = 0; n < 20; n++) initial.push(await copy(n));

  let publishing = true;
  const published: string[] = [];
  const publisher = (async () => {
    for (let n = 100; publishing; n++) published.push(await copy(n));
  })();
  const seen: string[] = [];
  for (let offset = 0; ; offset += 3) {
    const page = groupIds(await ok(bob, 'DescribeUserCommunityImages', { Offset: offset, Limit: 3 }));
    seen.push(...page);
    if (page.length < 3) break;
  }
  publishing = false;
  await publisher;
  assert.equal(new Set(seen).size, seen.length, 'no duplicate');
  assert.deepEqual(seen.slice(0, before.length + initial.length), [...before, ...initial], 'no gap among what existed');
  const total = (await ok(bob, 'DescribeUserCommunityImages', { Limit: 100 })).TotalCount as number;
  assert.equal(total, before.length + initial.length + published.length);
});
