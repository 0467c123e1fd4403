/**
 * CreateUHostInstance also takes the older parameter set its page still shows in
 * the example (StorageType LocalDisk|UDisk, BootDiskSpace, DiskSpace, no Disks.N), mapped
 * onto the same disks; DescribeUHostInstance reports TotalDiskSpace, StorageType,
 * BootDiskState, BasicImageId, HostType and UHostType consistently with either form.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { otherAccount } from '../support/compshare-flow.ts';
import { diskPath, stopHost, waitHostState, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { virtualSize } from '../support/guest-disk.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const PASSWORD = Buffer.from('Passw0rd!').toString('base64');
let kiln: KilnProcess;
let client: UCloudTestClient;
let other: UCloudTestClient;
let base: string;

before(async () => {
  kiln = await KilnProcess.start({ KILN_MAX_DISK_GB: '40' });
  client = await kiln.adminClient();
  other = (await otherAccount(kiln, 'second')).client;
  const file = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(file, 8 * MiB, [{ offset: 0, length: MiB, seed: 1 }]);
  base = (JSON.parse(await kiln.cli(['image', 'add-base', file, '--name', 'CentOS 7', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
});

after(async () => {
  await kiln?.stop();
});

async function create(c: UCloudTestClient, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  return (await c.call('CreateUHostInstance', { Zone: 'cn-bj2-04', ImageId: base, ...params })).body;
}

async function created(params: Record<string, unknown>): Promise<{ id: string; host: Record<string, unknown> }> {
  const body = await create(client, params);
  assert.equal(body.RetCode, 0, JSON.stringify(body));
  const id = (body.UHostIds as string[])[0]!;
  return { id, host: await waitHostState(client, id, 'Running') };
}

test('the older form: StorageType=UDisk, BootDiskSpace and DiskSpace become a system and a data disk, without LoginMode', async () => {
  const { id, host } = await created({ Password: PASSWORD, StorageType: 'UDisk', BootDiskSpace: 30, DiskSpace: 10, UHostType: 'Normal', HostType: 'N1' });
  const disks = host.DiskSet as Record<string, unknown>[];
  assert.deepEqual(
    disks.map((d) => [d.Type, d.IsBoot, d.DiskType, d.Size]),
    [
      ['Boot', 'True', 'CLOUD_NORMAL', 30],
      ['Data', 'False', 'CLOUD_NORMAL', 10],
    ],
  );
  assert.equal(host.StorageType, 'UDisk');
  assert.equal(host.TotalDiskSpace, 10);
  assert.equal(host.BootDiskState, 'Normal');
  assert.equal(host.BasicImageId, base);
  assert.equal(host.BasicImageName, 'CentOS 7');
  assert.equal(host.HostType, 'N1');
  assert.equal(host.UHostType, 'Normal', 'the older family, with the series in HostType');
  assert.equal(await virtualSize(await diskPath(kiln, id, 0)), 30 * GiB);
  assert.equal(await virtualSize(await diskPath(kiln, id, 1)), 10 * GiB);
});

test('the older form with defaults: LocalDisk and a 20 GB system disk, no data disk', async () => {
  const { host } = await created({ Password: PASSWORD });
  const disks = host.DiskSet as Record<string, unknown>[];
  assert.deepEqual(
    disks.map((d) => [d.Type, d.DiskType, d.Size]),
    [['Boot', 'LOCAL_NORMAL', 20]],
  );
  assert.equal(host.StorageType, 'LocalDisk');
  assert.equal(host.TotalDiskSpace, 0);
  assert.equal(host.HostType, 'N2');
  assert.equal(host.UHostType, 'Normal');
});

test('HostType N2 with LocalDisk, BootDiskSpace and DiskSpace reads back as UCloud answers it', async () => {
  const { host } = await created({ Password: PASSWORD, HostType: 'N2', StorageType: 'LocalDisk', BootDiskSpace: 25, DiskSpace: 15 });
  assert.equal(host.HostType, 'N2');
  assert.equal(host.UHostType, 'Normal', 'the older machine-type family, not the series again');
  assert.equal(host.StorageType, 'LocalDisk');
  assert.equal(host.TotalDiskSpace, 15, 'the data disk only');
  assert.equal(host.BootDiskState, 'Normal');
  assert.equal(host.BasicImageId, base);
  assert.equal(host.OsName, host.BasicImageName);
  const disks = host.DiskSet as Record<string, unknown>[];
  assert.deepEqual(
    disks.map((d) => [d.Type, d.IsBoot, d.DiskType, d.Size, d.Drive]),
    [
      ['Boot', 'True', 'LOCAL_NORMAL', 25, 'vda'],
      ['Data', 'False', 'LOCAL_NORMAL', 15, 'vdb'],
    ],
  );
  const ssd = await created({ Password: PASSWORD, UHostType: 'SATA_SSD', HostType: 'N1', StorageType: 'LocalDisk' });
  assert.deepEqual([ssd.host.UHostType, ssd.host.HostType], ['SSD', 'N1']);
});

test('the current form reports the same fields from Disks.N; a custom image reports its base as BasicImageId', async () => {
  const { id, host } = await created({
    LoginMode: 'Password',
    Password: PASSWORD,
    MachineType: 'O',
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'LOCAL_SSD', Size: 2 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 3 },
    ],
  });
  assert.equal(host.StorageType, 'LocalDisk', 'one local disk makes it LocalDisk');
  assert.equal(host.TotalDiskSpace, 5);
  assert.equal(host.MachineType, 'O');
  assert.equal(host.BasicImageId, base);

  await stopHost(client, id);
  const img = await client.call('CreateCustomImage', { UHostId: id, ImageName: 'child' });
  const custom = img.body.ImageId as string;
  await waitImageSettled(client, custom);
  const child = await created({ LoginMode: 'Password', Password: PASSWORD, ImageId: custom, Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }] });
  assert.equal(child.host.ImageId, custom);
  assert.equal(child.host.BasicImageId, base, 'the base at the root of the custom image');
  assert.equal(child.host.StorageType, 'UDisk');
});

test('refusals in UCloud shape: mixed forms, sizes past the limit, a missing password; nothing is created', async () => {
  const before = (await client.call('DescribeUHostInstance', {})).body.TotalCount as number;
  const mixed = await create(client, { LoginMode: 'Password', Password: PASSWORD, Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }], DiskSpace: 10 });
  assert.equal(mixed.RetCode, 230);
  assert.match(String(mixed.Message), /^Params \[DiskSpace\] not valid: DiskSpace belongs to the older form without Disks\.N/);
  const big = await create(client, { Password: PASSWORD, BootDiskSpace: 41 });
  assert.equal(big.RetCode, 230);
  assert.match(String(big.Message), /^Params \[BootDiskSpace\] not valid: a disk may be at most 40 GB/);
  const bigData = await create(client, { Password: PASSWORD, DiskSpace: 41 });
  assert.match(String(bigData.Message), /^Params \[DiskSpace\] not valid/);
  const noPassword = await create(client, { StorageType: 'UDisk' });
  assert.match(String(noPassword.Message), /^Params \[Password\] not available/);
  const badType = await create(client, { Password: PASSWORD, StorageType: 'SSD' });
  assert.match(String(badType.Message), /^Params \[StorageType\] not valid/);
  const newFormNoLogin = await create(client, { Password: PASSWORD, Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }] });
  assert.match(String(newFormNoLogin.Message), /^Params \[LoginMode\] not available/);
  assert.equal((await client.call('DescribeUHostInstance', {})).body.TotalCount, before);
});

test('a second tenant sees none of these hosts', async () => {
  const { id } = await created({ Password: PASSWORD, DiskSpace: 1 });
  const theirs = await other.call('DescribeUHostInstance', {});
  assert.equal(theirs.body.TotalCount, 0);
  const byId = await other.call('DescribeUHostInstance', { UHostIds: [id] });
  assert.deepEqual(byId.body.UHostSet, []);
});
