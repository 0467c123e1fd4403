import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { assertSameBytes, patternBlock, writeAt, writeSparseDisk } from '../support/disk-files.ts';
import {
  addCompShareBase,
  createGpuHost,
  cs,
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
let ownerId: string;
let grantee: { client: UCloudTestClient; accountId: string };
let stranger: { client: UCloudTestClient; accountId: string };
let baseImageId: string;
let sourceHost: string;
let imageId: string;

before(async () => {
  kiln = await KilnProcess.start({ KILN_CUSTOM_IMAGE_QUOTA: '200' });
  owner = await kiln.adminClient();
  grantee = await otherAccount(kiln, 'grantee');
  stranger = await otherAccount(kiln, 'stranger');
  const base = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(base, 64 * MiB, [{ offset: 0, length: MiB, seed: 3 }]);
  baseImageId = await addCompShareBase(kiln, base, 'Ubuntu 22.04');
  sourceHost = await createGpuHost(owner, baseImageId);
  await writeAt(await diskPath(kiln, sourceHost), 300 * MiB, patternBlock(77, 2 * MiB));
  await stopGpuHost(owner, sourceHost);
  imageId = (await ok(owner, 'CreateCompShareCustomImage', { UHostId: sourceHost, Name: 'shared-golden' })).CompShareImageId as string;
  const img = await waitImageAvailable(owner, imageId);
  ownerId = (img.Owner as Body).AccountId as string;
});

after(async () => {
  await kiln?.stop();
});

const share = (c: UCloudTestClient, params: Record<string, unknown>) => cs(c, 'ModifyCompShareImageShareAccount', { CompShareImageId: imageId, ...params });
const sharedWith = async (c: UCloudTestClient, params: Record<string, unknown> = {}) => ok(c, 'DescribeCompShareSharingImages', params);
const gpuHost = (c: UCloudTestClient, id: string) =>
  cs(c, 'CreateCompShareInstance', {
    CompShareImageId: id,
    MachineType: 'G',
    GpuType: '4090',
    GPU: 1,
    CPU: 16,
    Memory: 65536,
    Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }],
  });

test('a shared image: the grantee lists it and creates an instance with its bytes, and does nothing else with it', async () => {
  assert.equal((await gpuHost(grantee.client, imageId)).RetCode, 8956, 'not usable before it is shared');
  assert.equal((await sharedWith(grantee.client)).TotalCount, 0);

  const added = await share(owner, { AddAccounts: [grantee.accountId] });
  assert.equal(added.RetCode, 0, JSON.stringify(added));
  assert.deepEqual(added.InvalidAccounts, []);
  // Adding again changes nothing.
  assert.equal((await share(owner, { AddAccounts: [grantee.accountId] })).RetCode, 0);
  const accounts = await ok(owner, 'DescribeCompShareImageShareAccounts', { CompShareImageId: imageId });
  assert.deepEqual(accounts.AccountSet, [{ AccountId: grantee.accountId, AccountName: 'grantee' }]);

  const listed = await sharedWith(grantee.client);
  assert.equal(listed.TotalCount, 1);
  const entry = (listed.ImageSet as Body[])[0]!;
  assert.equal(entry.CompShareImageId, imageId);
  assert.equal(entry.Name, 'shared-golden');
  assert.deepEqual(entry.Owner, { AccountId: ownerId, AccountName: 'admin' });
  assert.equal((await sharedWith(grantee.client, { CompShareImageId: imageId })).TotalCount, 1);

  // The grantee's instance gets the image's bytes: its disk equals the captured host's.
  const hostId = await createGpuHost(grantee.client, imageId);
  await assertSameBytes(await diskPath(kiln, hostId), await diskPath(kiln, sourceHost));

  // Not in the grantee's own catalogue, and no owner's action works on it.
  assert.equal((await ok(grantee.client, 'DescribeCompShareCustomImages', {})).TotalCount, 0);
  assert.deepEqual((await ok(grantee.client, 'DescribeCompShareCustomImages', { CompShareImageId: imageId })).ImageSet, []);
  const refused: [string, Record<string, unknown>][] = [
    ['UpdateCompShareImage', { CompShareImageId: imageId, Description: 'mine now' }],
    ['TerminateCompShareCustomImage', { CompShareImageId: imageId }],
    ['CopyCompShareCustomImage', { CompShareImageId: imageId, TargetImageName: 'stolen' }],
    ['PublishCompShareImage', { CompShareImageId: imageId, Price: 0 }],
    ['ModifyCompShareImageShareAccount', { CompShareImageId: imageId, AddAccounts: [stranger.accountId] }],
    ['DescribeCompShareImageShareAccounts', { CompShareImageId: imageId }],
    ['GetCompShareImageCreateProgress', { CompShareImageId: imageId }],
  ];
  for (const [action, params] of refused) {
    const r = await cs(grantee.client, action, params);
    assert.equal(r.RetCode, 299, `${action}: ${JSON.stringify(r)}`);
    assert.match(String(r.Message), /belongs to another account/);
  }
  assert.equal((await sharedWith(stranger.client)).TotalCount, 0, 'the other shared list is unchanged');
  assert.equal((await ok(owner, 'DescribeCompShareCustomImages', { CompShareImageId: imageId })).TotalCount, 1, 'still the owner’s');

  // Someone it was not shared with sees and uses nothing.
  assert.equal((await gpuHost(stranger.client, imageId)).RetCode, 8956);
  assert.equal((await cs(stranger.client, 'DescribeCompShareImageShareAccounts', { CompShareImageId: imageId })).RetCode, 8956);
  assert.equal((await share(stranger.client, { AddAccounts: [stranger.accountId] })).RetCode, 8956);

  // Taking the share back: no new instances; the existing one is the grantee's and stays.
  assert.equal((await share(owner, { RemoveAccounts: [grantee.accountId] })).RetCode, 0);
  assert.deepEqual((await ok(owner, 'DescribeCompShareImageShareAccounts', { CompShareImageId: imageId })).AccountSet, []);
  assert.equal((await sharedWith(grantee.client)).TotalCount, 0);
  assert.equal((await gpuHost(grantee.client, imageId)).RetCode, 8956);
  const host = (await ok(grantee.client, 'DescribeCompShareInstance', { UHostIds: [hostId] })).UHostSet as Body[];
  assert.equal(host[0]?.State, 'Running');
});

test('sharing with the owner itself is refused as such, not as an unknown account, and changes nothing', async () => {
  const self = await share(owner, { AddAccounts: [grantee.accountId, ownerId] });
  assert.equal(self.RetCode, 230, JSON.stringify(self));
  assert.equal(
    self.Message,
    `Params [AddAccounts] not valid: an image cannot be shared with its owner: account ${ownerId} owns ${imageId}; nothing was changed`,
  );
  assert.deepEqual(
    (await ok(owner, 'DescribeCompShareImageShareAccounts', { CompShareImageId: imageId })).AccountSet,
    [],
    'the other account was not added either',
  );
  const removeSelf = await share(owner, { RemoveAccounts: [ownerId] });
  assert.equal(removeSelf.RetCode, 230, JSON.stringify(removeSelf));
  assert.equal(
    removeSelf.Message,
    `Params [RemoveAccounts] not valid: an image cannot be shared with its owner: account ${ownerId} owns ${imageId}; nothing was changed`,
  );
});

test('refusals in UCloud shape; an unknown account changes nothing', async () => {
  const unknown = await share(owner, { AddAccounts: [grantee.accountId, 'acc-nobody', 'acc-ghost'] });
  assert.equal(unknown.RetCode, 230, JSON.stringify(unknown));
  assert.equal(unknown.Message, 'Params [AddAccounts] not valid: no such account to share with: acc-nobody, acc-ghost; nothing was changed');
  assert.deepEqual(
    (await ok(owner, 'DescribeCompShareImageShareAccounts', { CompShareImageId: imageId })).AccountSet,
    [],
    'the valid one was not added either',
  );
  const unknownRemove = await share(owner, { RemoveAccounts: ['acc-nobody'] });
  assert.equal(unknownRemove.Message, 'Params [RemoveAccounts] not valid: no such account to share with: acc-nobody; nothing was changed');
  const neither = await share(owner, {});
  assert.equal(neither.RetCode, 230);
  assert.match(String(neither.Message), /^Params \[AddAccounts\] not available/);
  const both = await share(owner, { AddAccounts: [grantee.accountId], RemoveAccounts: [grantee.accountId] });
  assert.equal(both.RetCode, 230);
  assert.match(String(both.Message), /^Params \[RemoveAccounts\] not valid: account acc-\S+ is both added and removed$/);
  const eleven = await share(owner, { AddAccounts: Array.from({ length: 11 }, (_, i) => `acc-${i}`) });
  assert.equal(eleven.RetCode, 230);
  assert.equal(
    (await cs(owner, 'ModifyCompShareImageShareAccount', { CompShareImageId: 'compshareimage-nothere', AddAccounts: [grantee.accountId] })).RetCode,
    8956,
  );
  assert.equal(
    (await cs(owner, 'ModifyCompShareImageShareAccount', { CompShareImageId: baseImageId, AddAccounts: [grantee.accountId] })).RetCode,
    8956,
    'an official image is not the caller’s to share',
  );
  assert.equal((await cs(owner, 'DescribeCompShareImageShareAccounts', { CompShareImageId: 'compshareimage-nothere' })).RetCode, 8956);
  const noImage = await cs(owner, 'ModifyCompShareImageShareAccount', { AddAccounts: [grantee.accountId] });
  assert.equal(noImage.RetCode, 230);
  assert.equal((await cs(owner, 'DescribeCompShareSharingImages', { Region: 'xx-nowhere' })).RetCode, 230);
  assert.equal((await cs(owner, 'DescribeCompShareSharingImages', { Limit: 101 })).Message, 'Params [Limit] not valid: between 0 and 100 (got 101)');
});

test('the shared list pages without a gap or a duplicate while images are being shared', async () => {
  const copies: string[] = [];
  for (let n = 0; n < 30; n++) {
    copies.push((await ok(owner, 'CopyCompShareCustomImage', { CompShareImageId: imageId, TargetImageName: `copy-${n}` })).NewCompShareImageId as string);
  }
  const first = copies.slice(0, 15);
  for (const id of first)
    assert.equal((await cs(owner, 'ModifyCompShareImageShareAccount', { CompShareImageId: id, AddAccounts: [grantee.accountId] })).RetCode, 0);

  let sharing = true;
  const sharer = (async () => {
    for (const id of copies.slice(15)) {
      if (!sharing) break;
      assert.equal((await cs(owner, 'ModifyCompShareImageShareAccount', { CompShareImageId: id, AddAccounts: [grantee.accountId] })).RetCode, 0);
    }
  })();
  const seen: string[] = [];
  for (let offset = 0; ; offset += 4) {
    const page = (await sharedWith(grantee.client, { Offset: offset, Limit: 4 })).ImageSet as Body[];
    seen.push(...page.map((i) => i.CompShareImageId as string));
    if (page.length < 4) break;
  }
  sharing = false;
  await sharer;
  assert.equal(new Set(seen).size, seen.length, 'no duplicate');
  assert.deepEqual(seen.slice(0, 15), first, 'the images shared before the walk, in the order they were shared');
  assert.deepEqual(seen, copies.slice(0, seen.length), 'in share order, no gap');

  // The grant goes with its image.
  assert.equal((await ok(owner, 'TerminateCompShareCustomImage', { CompShareImageId: copies[0] })).RetCode, 0);
  const after = await sharedWith(grantee.client, { Limit: 100 });
  assert.equal(
    (after.ImageSet as Body[]).some((i) => i.CompShareImageId === copies[0]),
    false,
  );
  assert.equal(after.TotalCount, (after.ImageSet as Body[]).length);
});

test('a grantee reinstalls its host from a shared image; a stranger, or the grantee after the grant is taken back, cannot', async () => {
  const source = await createGpuHost(owner, baseImageId);
  await writeAt(await diskPath(kiln, source, 0), 200 * MiB, patternBlock(91, MiB));
  await stopGpuHost(owner, source);
  const golden = (await ok(owner, 'CreateCompShareCustomImage', { UHostId: source, Name: 'reinstall-golden' })).CompShareImageId as string;
  await waitImageAvailable(owner, golden);

  const reinstall = (c: UCloudTestClient, host: string) => cs(c, 'ReinstallCompShareInstance', { UHostId: host, CompShareImageId: golden });
  const granteeHost = await createGpuHost(grantee.client, baseImageId);
  await stopGpuHost(grantee.client, granteeHost);
  const strangerHost = await createGpuHost(stranger.client, baseImageId);
  await stopGpuHost(stranger.client, strangerHost);
  assert.equal((await reinstall(grantee.client, granteeHost)).RetCode, 8956, 'not before it is shared');

  assert.equal((await share(owner, { CompShareImageId: golden, AddAccounts: [grantee.accountId] })).RetCode, 0);
  assert.equal((await reinstall(grantee.client, granteeHost)).RetCode, 0);
  const reinstalled = await waitGpuHostState(grantee.client, granteeHost, 'Running');
  assert.equal(reinstalled.CompShareImageId, golden);
  await assertSameBytes(await diskPath(kiln, granteeHost, 0), await diskPath(kiln, source, 0));

  const refused = await reinstall(stranger.client, strangerHost);
  assert.equal(refused.RetCode, 8956, JSON.stringify(refused));
  assert.equal((await share(owner, { CompShareImageId: golden, RemoveAccounts: [grantee.accountId] })).RetCode, 0);
  await stopGpuHost(grantee.client, granteeHost);
  assert.equal((await reinstall(grantee.client, granteeHost)).RetCode, 8956);
  assert.equal((await ok(grantee.client, 'DescribeCompShareInstance', { UHostIds: [granteeHost] })).TotalCount, 1, 'its host stays');
});
