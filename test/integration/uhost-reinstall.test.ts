/**
 * ReinstallUHostInstance. A stopped host gets a new system disk holding exactly
 * the image's bytes (base or custom), is Installing meanwhile and Running after, as UCloud
 * starts a host after a reinstall; ReserveDisk keeps or empties the data disks.
 */
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { openStoresOf } from '../support/kiln-stores.ts';
import { assertSameBytes, patternBlock, sha256File, writeAt, writeSparseDisk } from '../support/disk-files.ts';
import { firstDifference } from '../support/disk-compare.ts';
import { otherAccount } from '../support/compshare-flow.ts';
import { createHost, diskPath, stopHost, waitHostState, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { virtualSize } from '../support/guest-disk.ts';

const MiB = 1024 * 1024;
const PASSWORD = Buffer.from('N3w-Passw0rd').toString('base64');
let kiln: KilnProcess;
let client: UCloudTestClient;
let other: UCloudTestClient;
let baseA: string;
let baseB: string;
let fileB: string;

before(async () => {
  kiln = await KilnProcess.start();
  client = await kiln.adminClient();
  other = (await otherAccount(kiln, 'second')).client;
  const fileA = join(kiln.dataDir, 'a.raw');
  fileB = join(kiln.dataDir, 'b.raw');
  await writeSparseDisk(fileA, 16 * MiB, [{ offset: 0, length: MiB, seed: 1 }]);
  // B: not a multiple of the chunk size, data across a chunk boundary and at its very end.
  await writeSparseDisk(fileB, 40 * MiB + 4096, [
    { offset: 0, length: 512 * 1024, seed: 2 },
    { offset: 4 * MiB - 1000, length: 3 * MiB, seed: 3 },
    { offset: 40 * MiB, length: 4096, seed: 4 },
  ]);
  const add = async (file: string, name: string) =>
    (JSON.parse(await kiln.cli(['image', 'add-base', file, '--name', name, '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
  baseA = await add(fileA, 'Distro A');
  baseB = await add(fileB, 'Distro B');
});

after(async () => {
  await kiln?.stop();
});

async function describeHost(c: UCloudTestClient, id: string): Promise<Record<string, unknown>> {
  const r = await c.call('DescribeUHostInstance', { UHostIds: [id] });
  return (r.body.UHostSet as Record<string, unknown>[])[0]!;
}

test('a stopped host reinstalled from a base image holds its bytes, keeps its data disk and runs again', async (t) => {
  const host = await createHost(client, baseA, {
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 1 },
    ],
  });
  const data = await diskPath(kiln, host, 1);
  await writeAt(data, 9 * MiB, patternBlock(99, MiB));
  const dataSha = await sha256File(data);
  await writeAt(await diskPath(kiln, host, 0), 0, patternBlock(98, MiB));

  const running = await client.call('ReinstallUHostInstance', { UHostId: host, ImageId: baseB, Password: PASSWORD });
  assert.equal(running.body.RetCode, 8010, `a running host is refused: ${JSON.stringify(running.body)}`);

  await stopHost(client, host);
  const r = await client.call('ReinstallUHostInstance', { UHostId: host, ImageId: baseB, Password: PASSWORD });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  assert.equal(r.body.UHostId, host);
  const during = await describeHost(client, host);
  t.diagnostic(`state right after the call: ${String(during.State)} (BootDiskState ${String(during.BootDiskState)})`);
  assert.ok(['Installing', 'Running'].includes(during.State as string), String(during.State));

  const after = await waitHostState(client, host, 'Running');
  assert.equal(after.ImageId, baseB);
  assert.equal(after.BasicImageId, baseB);
  assert.equal(after.BasicImageName, 'Distro B');
  assert.equal(after.BootDiskState, 'Normal');
  const boot = await diskPath(kiln, host, 0);
  assert.equal(await virtualSize(boot), 1024 * MiB, 'the system disk keeps its size');
  assert.equal(await firstDifference(boot, fileB), -1, 'the new system disk holds the image byte for byte, zeros after');
  assert.equal(await diskPath(kiln, host, 1), data);
  assert.equal(await sha256File(data), dataSha, 'ReserveDisk defaults to Yes: the data disk is untouched');
});

test('reinstalling from a custom image with ReserveDisk=No: its bytes on the system disk, an empty data disk', async () => {
  const source = await createHost(client, baseA);
  const sourceDisk = await diskPath(kiln, source, 0);
  await writeAt(sourceDisk, 5 * MiB + 7, patternBlock(50, 2 * MiB));
  await stopHost(client, source);
  const created = await client.call('CreateCustomImage', { UHostId: source, ImageName: 'rolled' });
  assert.equal(created.body.RetCode, 0, JSON.stringify(created.body));
  const custom = created.body.ImageId as string;
  assert.equal((await waitImageSettled(client, custom)).State, 'Available');

  const host = await createHost(client, baseB, {
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 1 },
    ],
  });
  const oldBoot = await diskPath(kiln, host, 0);
  await writeAt(await diskPath(kiln, host, 1), 0, patternBlock(7, MiB));
  await stopHost(client, host);
  const r = await client.call('ReinstallUHostInstance', { UHostId: host, ImageId: custom, Password: PASSWORD, ReserveDisk: 'No' });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  const after = await waitHostState(client, host, 'Running');
  assert.equal(after.ImageId, custom);
  const boot = await diskPath(kiln, host, 0);
  assert.notEqual(boot, oldBoot, 'a new file, written beside the old one');
  // The handler removes the old file after its commit, so the host can read Running a moment before.
  await waitFor('the old system disk to be removed once the new one is committed', () =>
    stat(oldBoot).then(
      () => undefined,
      () => true,
    ),
  );
  await assertSameBytes(boot, sourceDisk);
  const data = await diskPath(kiln, host, 1);
  assert.equal((await stat(data)).size, 1024 * MiB);
  const fh = await import('node:fs/promises').then((m) => m.open(data, 'r'));
  try {
    const buf = Buffer.alloc(MiB);
    await fh.read(buf, 0, MiB, 0);
    assert.ok(buf.equals(Buffer.alloc(MiB)), 'ReserveDisk=No gives the data disk back empty');
  } finally {
    await fh.close();
  }

  // Without ImageId a host is reinstalled from the image it has.
  await stopHost(client, host);
  await writeAt(boot, 0, patternBlock(1234, MiB));
  const again = await client.call('ReinstallUHostInstance', { UHostId: host, Password: PASSWORD });
  assert.equal(again.body.RetCode, 0, JSON.stringify(again.body));
  await waitHostState(client, host, 'Running');
  await assertSameBytes(await diskPath(kiln, host, 0), sourceDisk);
});

test('refusals in UCloud shape, and nothing changes', async () => {
  const host = await createHost(client, baseA);
  await stopHost(client, host);
  const expect = async (params: Record<string, unknown>, code: number, message: RegExp) => {
    const r = await client.call('ReinstallUHostInstance', { UHostId: host, ...params });
    assert.equal(r.body.RetCode, code, JSON.stringify(r.body));
    assert.match(String(r.body.Message), message);
  };
  await expect({ ImageId: baseB }, 230, /^Params \[Password\] not available/);
  await expect({ ImageId: baseB, Password: 'not base64!' }, 230, /^Params \[Password\] not valid/);
  await expect({ ImageId: baseB, Password: PASSWORD, LoginMode: 'KeyPair' }, 230, /^Params \[LoginMode\] not valid: .*cannot change LoginMode/);
  await expect({ ImageId: baseB, Password: PASSWORD, ReserveDisk: 'Maybe' }, 230, /^Params \[ReserveDisk\] not valid/);
  await expect({ ImageId: 'uimage-nope', Password: PASSWORD }, 8956, /does not exist/);
  await expect({ UHostId: 'uhost-nope', Password: PASSWORD }, 8039, /does not exist/);
  const h = await describeHost(client, host);
  assert.equal(h.State, 'Stopped');
  assert.equal(h.ImageId, baseA);
});

test('a second tenant can neither reinstall my host nor reinstall its own from my custom image', async () => {
  const mine = await createHost(client, baseA);
  await stopHost(client, mine);
  const created = await client.call('CreateCustomImage', { UHostId: mine, ImageName: 'private' });
  const custom = created.body.ImageId as string;
  await waitImageSettled(client, custom);

  const theirs = await createHost(other, baseA);
  await stopHost(other, theirs);
  const onMine = await other.call('ReinstallUHostInstance', { UHostId: mine, ImageId: baseB, Password: PASSWORD });
  assert.equal(onMine.body.RetCode, 8039, JSON.stringify(onMine.body));
  const withMine = await other.call('ReinstallUHostInstance', { UHostId: theirs, ImageId: custom, Password: PASSWORD });
  assert.equal(withMine.body.RetCode, 8956, JSON.stringify(withMine.body));
  assert.equal((await describeHost(client, mine)).State, 'Stopped');
  assert.equal((await describeHost(other, theirs)).ImageId, baseA);
});

test('a reinstall that fails for good leaves the host Stopped with the disks it had, and no new file behind', async () => {
  // A 2 GB image for a 1 GB system disk: the reinstall takes 1 GB more of the disk quota.
  const source = await createHost(client, baseB, { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 2 }] });
  await stopHost(client, source);
  const created = await client.call('CreateCustomImage', { UHostId: source, ImageName: 'doomed' });
  const doomed = created.body.ImageId as string;
  await waitImageSettled(client, doomed);
  const host = await createHost(client, baseA);
  await stopHost(client, host);
  const boot = await diskPath(kiln, host, 0);
  await writeAt(boot, 3 * MiB, patternBlock(66, MiB));
  const bootSha = await sha256File(boot);
  const usageBefore = await diskBytesHeld(host);

  // No instance workers: the reinstall job waits while its image is deleted.
  await kiln.kill();
  kiln.env.KILN_INSTANCE_WORKERS = '0';
  await kiln.launch();
  const r = await client.call('ReinstallUHostInstance', { UHostId: host, ImageId: doomed, Password: PASSWORD });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  const installing = await describeHost(client, host);
  assert.equal(installing.State, 'Installing');
  assert.equal(installing.BootDiskState, 'Initializing');
  assert.equal((await client.call('StartUHostInstance', { UHostId: host })).body.RetCode, 8010, 'not startable while installing');
  assert.equal((await client.call('TerminateUHostInstance', { UHostId: host })).body.RetCode, 8905, 'not deletable while installing');
  assert.equal(await diskBytesHeld(host), usageBefore + 1024 * MiB, 'the growth is taken when the reinstall is accepted');
  assert.equal((await client.call('TerminateCustomImage', { ImageId: doomed })).body.RetCode, 0);

  await kiln.kill();
  delete kiln.env.KILN_INSTANCE_WORKERS;
  await kiln.launch();
  const after = await waitHostState(client, host, 'Stopped');
  assert.equal(after.ImageId, baseA);
  assert.equal(after.BootDiskState, 'Normal');
  assert.equal(await diskPath(kiln, host, 0), boot);
  assert.equal(await sha256File(boot), bootSha, 'the old system disk, untouched');
  assert.deepEqual(await readdir(dirname(boot)), ['disk-0.qcow2', 'disk-0.qcow2.backing'], 'no new disk file (or cache pin) left behind');
  assert.equal(await diskBytesHeld(host), usageBefore, 'the growth is given back');
});

test('an image larger than the system disk grows it, counted against the account', async () => {
  const source = await createHost(other, baseA, { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 3 }] });
  await writeAt(await diskPath(kiln, source, 0), 2 * 1024 * MiB + 5, patternBlock(3, MiB));
  await stopHost(other, source);
  const created = await other.call('CreateCustomImage', { UHostId: source, ImageName: 'three-gb' });
  const big = created.body.ImageId as string;
  await waitImageSettled(other, big);
  const host = await createHost(other, baseA);
  await stopHost(other, host);
  const usageBefore = await diskBytesHeld(host);
  const r = await other.call('ReinstallUHostInstance', { UHostId: host, ImageId: big, Password: PASSWORD });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  const h = await waitHostState(other, host, 'Running');
  assert.equal((h.DiskSet as { Size: number }[])[0]!.Size, 3);
  await assertSameBytes(await diskPath(kiln, host, 0), await diskPath(kiln, source, 0));
  assert.equal(await diskBytesHeld(host), usageBefore + 2 * 1024 * MiB);
});

/** The disk bytes the account owning `hostId` holds, read from the metadata store. */
async function diskBytesHeld(hostId: string): Promise<number> {
  const stores = await openStoresOf(kiln.env);
  try {
    const i = await stores.store.instances.get(hostId);
    return (await stores.store.quota.computeUsage(i!.accountId)).diskBytes;
  } finally {
    await stores.close();
  }
}

test('where a UHost image is shared, the grantee reinstalls from it and fills data disks from its snapshots', async () => {
  const grantee = await otherAccount(kiln, 'grantee');
  const source = await createHost(client, baseA, {
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 1 },
    ],
  });
  await writeAt(await diskPath(kiln, source, 0), 3 * MiB, patternBlock(61, MiB));
  await writeAt(await diskPath(kiln, source, 1), 7 * MiB, patternBlock(62, MiB));
  await stopHost(client, source);
  const sourceData = (await describeHost(client, source)).DiskSet as { DiskId: string; IsBoot: string }[];
  const created = await client.call('CreateCustomImage', {
    UHostId: source,
    ImageName: 'shared-with-data',
    DataUDiskIds: [sourceData.find((d) => d.IsBoot === 'False')!.DiskId],
  });
  assert.equal(created.body.RetCode, 0, JSON.stringify(created.body));
  const custom = created.body.ImageId as string;
  const [snapshotId] = created.body.DataSnapshotIds as string[];
  await waitImageSettled(client, custom);

  const theirs = await createHost(grantee.client, baseA);
  await stopHost(grantee.client, theirs);
  const reinstall = () => grantee.client.call('ReinstallUHostInstance', { UHostId: theirs, ImageId: custom, Password: PASSWORD });
  const fromSnapshot = () =>
    grantee.client.call('CreateUHostInstance', {
      Zone: 'cn-bj2-04',
      ImageId: baseA,
      LoginMode: 'Password',
      Password: PASSWORD,
      Disks: [
        { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
        { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 1, SnapshotId: snapshotId },
      ],
    });
  const snapshotRefusal = /^Params \[Disks\.1\.SnapshotId\]|does not exist/;
  assert.equal((await reinstall()).body.RetCode, 8956, 'not shared yet');
  const early = await fromSnapshot();
  assert.notEqual(early.body.RetCode, 0);
  assert.match(String(early.body.Message), snapshotRefusal);

  // UHost has no sharing action of its own; the grant is made through the store's port, as ImageGrants makes it.
  const stores = await openStoresOf(kiln.env);
  const grant = (change: 'grant' | 'revoke') => stores.store.transaction((tx) => tx.shares[change](custom, [grantee.accountId]));
  try {
    await grant('grant');
    const r = await reinstall();
    assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
    const h = await waitHostState(grantee.client, theirs, 'Running');
    assert.equal(h.ImageId, custom);
    assert.equal(h.BasicImageId, baseA);
    await assertSameBytes(await diskPath(kiln, theirs, 0), await diskPath(kiln, source, 0));

    const made = await fromSnapshot();
    assert.equal(made.body.RetCode, 0, JSON.stringify(made.body));
    const host = (made.body.UHostIds as string[])[0]!;
    await waitHostState(grantee.client, host, 'Running');
    await assertSameBytes(await diskPath(kiln, host, 1), await diskPath(kiln, source, 1));

    await grant('revoke');
    await stopHost(grantee.client, theirs);
    assert.equal((await reinstall()).body.RetCode, 8956, 'the grant taken back');
    assert.match(String((await fromSnapshot()).body.Message), snapshotRefusal);
  } finally {
    await stores.close();
  }
});
