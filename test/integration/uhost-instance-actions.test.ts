/**
 * RebootUHostInstance, ResizeUHostInstance, ResetUHostInstancePassword and
 * ModifyUHostInstanceName over real HTTP with the signing client; each refusal in UCloud
 * shape, and a second tenant who can neither see nor change the host.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { patternBlock, sha256File, writeAt, writeSparseDisk } from '../support/disk-files.ts';
import { otherAccount } from '../support/compshare-flow.ts';
import { createHost, diskPath, stopHost, waitHostState } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { virtualSize } from '../support/guest-disk.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
let kiln: KilnProcess;
let client: UCloudTestClient;
let other: UCloudTestClient;
let base: string;

before(async () => {
  // Small limits, so that the size and quota checks are reachable with sparse files.
  kiln = await KilnProcess.start({ KILN_MAX_DISK_GB: '8', KILN_DISK_QUOTA_GB: '16' });
  client = await kiln.adminClient();
  other = (await otherAccount(kiln, 'second')).client;
  const file = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(file, 8 * MiB, [{ offset: 0, length: MiB, seed: 1 }]);
  base = (JSON.parse(await kiln.cli(['image', 'add-base', file, '--name', 'Base', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
});

after(async () => {
  await kiln?.stop();
});

async function describeHost(c: UCloudTestClient, id: string): Promise<Record<string, unknown> | undefined> {
  const r = await c.call('DescribeUHostInstance', { UHostIds: [id] });
  return (r.body.UHostSet as Record<string, unknown>[])[0];
}

function expectCode(r: { body: Record<string, unknown> }, code: number, message?: RegExp): void {
  assert.equal(r.body.RetCode, code, JSON.stringify(r.body));
  if (message) assert.match(String(r.body.Message), message);
}

test('RebootUHostInstance reboots a running host and refuses a stopped one', async () => {
  const host = await createHost(client, base);
  const r = await client.call('RebootUHostInstance', { UHostId: host });
  expectCode(r, 0);
  assert.equal(r.body.UHostId, host);
  assert.equal((await describeHost(client, host))!.State, 'Running');
  expectCode(await other.call('RebootUHostInstance', { UHostId: host }), 8039, /does not exist/);
  await stopHost(client, host);
  expectCode(await client.call('RebootUHostInstance', { UHostId: host }), 8905, /only a running instance can be rebooted/);
  expectCode(await client.call('RebootUHostInstance', {}), 230, /^Params \[UHostId\] not available/);
});

test('ModifyUHostInstanceName renames a host, in UCloud shape; another tenant cannot', async () => {
  const host = await createHost(client, base, { Name: 'before' });
  const r = await client.call('ModifyUHostInstanceName', { UHostId: host, Name: 'after' });
  expectCode(r, 0);
  assert.equal(r.body.UHostId, host);
  assert.equal(r.body.UhostId, host);
  assert.equal((await describeHost(client, host))!.Name, 'after');
  expectCode(await client.call('ModifyUHostInstanceName', { UHostId: host, Name: 'x'.repeat(64) }), 230, /^Params \[Name\] not valid/);
  expectCode(await other.call('ModifyUHostInstanceName', { UHostId: host, Name: 'stolen' }), 8039);
  assert.equal(await describeHost(other, host), undefined, 'the other tenant does not see the host');
  assert.equal((await describeHost(client, host))!.Name, 'after');
});

test('ResetUHostInstancePassword takes a base64 password for a stopped host only', async () => {
  const host = await createHost(client, base);
  const password = Buffer.from('An0ther-Pass').toString('base64');
  expectCode(await client.call('ResetUHostInstancePassword', { UHostId: host, Password: password }), 8010, /stop it before resetting its password/);
  await stopHost(client, host);
  expectCode(await client.call('ResetUHostInstancePassword', { UHostId: host }), 230, /^Params \[Password\] not available/);
  expectCode(
    await client.call('ResetUHostInstancePassword', { UHostId: host, Password: 'plain text!' }),
    230,
    /^Params \[Password\] not valid: Password must be base64-encoded/,
  );
  expectCode(await other.call('ResetUHostInstancePassword', { UHostId: host, Password: password }), 8039);
  const r = await client.call('ResetUHostInstancePassword', { UHostId: host, Password: password });
  expectCode(r, 0);
  assert.equal(r.body.UHostId, host);
  assert.equal((await describeHost(client, host))!.State, 'Stopped');
});

test('ResizeUHostInstance changes CPU and memory and grows disks of a stopped host; it never shrinks one', async (t) => {
  const host = await createHost(client, base, {
    CPU: 2,
    Memory: 4096,
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 2 },
    ],
  });
  const boot = await diskPath(kiln, host, 0);
  const data = await diskPath(kiln, host, 1);
  await writeAt(data, GiB + 3, patternBlock(31, MiB));
  expectCode(await client.call('ResizeUHostInstance', { UHostId: host, CPU: 4 }), 8010, /stop it before resizing/);
  await stopHost(client, host);
  const bootSha = await sha256File(boot);

  // Refusals first: none of them changes anything.
  const shrink = await client.call('ResizeUHostInstance', { UHostId: host, CPU: 8, DiskSpace: 1 });
  expectCode(shrink, 230, /^Params \[DiskSpace\] not valid: disk bsm-\S+ is 2 GB and cannot shrink to 1 GB; disks can only grow$/);
  t.diagnostic(`shrink: ${String(shrink.body.Message)}`);
  expectCode(
    await client.call('ResizeUHostInstance', { UHostId: host, BootDiskSpace: 9 }),
    230,
    /^Params \[BootDiskSpace\] not valid: a disk may be at most 8 GB/,
  );
  expectCode(await client.call('ResizeUHostInstance', { UHostId: host, Memory: 512 }), 230, /^Params \[Memory\] not valid/);
  expectCode(await other.call('ResizeUHostInstance', { UHostId: host, CPU: 16 }), 8039);
  let h = (await describeHost(client, host))!;
  assert.equal(h.CPU, 2);
  assert.equal(h.Memory, 4096);

  const r = await client.call('ResizeUHostInstance', { UHostId: host, CPU: 8, Memory: 16384, BootDiskSpace: 3, DiskSpace: 4 });
  expectCode(r, 0);
  assert.equal(r.body.UHostId, host);
  // The disks grow in a job on the host's node; the host stays Stopped and cannot start meanwhile.
  h = await waitFor('disks grown', async () => {
    const x = (await describeHost(client, host))!;
    return (x.DiskSet as { Size: number }[]).map((d) => d.Size).join(',') === '3,4' ? x : undefined;
  });
  assert.equal(h.State, 'Stopped');
  assert.equal(h.CPU, 8);
  assert.equal(h.Memory, 16384);
  assert.equal(h.TotalDiskSpace, 4);
  assert.equal(await virtualSize(boot), 3 * GiB);
  assert.equal(await virtualSize(data), 4 * GiB);
  // Growth appends zeros: what was there is still there.
  const fh = await import('node:fs/promises').then((m) => m.open(data, 'r'));
  try {
    const buf = Buffer.alloc(MiB);
    await fh.read(buf, 0, MiB, GiB + 3);
    assert.ok(buf.equals(patternBlock(31, MiB)));
  } finally {
    await fh.close();
  }
  const grownBootSha = await sha256File(boot);
  assert.notEqual(grownBootSha, bootSha, 'a larger file');

  // The account's disk quota (16 GB) counts the growth: 10 GB held now, 9 more is refused.
  const big = await client.call('ResizeUHostInstance', { UHostId: host, BootDiskSpace: 8, DiskSpace: 8 });
  expectCode(big, 8095, /disk size quota exceeded/);
  assert.equal(((await describeHost(client, host))!.DiskSet as { Size: number }[])[0]!.Size, 3);

  const start = await client.call('StartUHostInstance', { UHostId: host });
  expectCode(start, 0);
  await waitHostState(client, host, 'Running');
});

test('DiskSpace names the data disk of a host with exactly one', async () => {
  const host = await createHost(client, base);
  await stopHost(client, host);
  expectCode(
    await client.call('ResizeUHostInstance', { UHostId: host, DiskSpace: 2 }),
    230,
    /^Params \[DiskSpace\] not valid: DiskSpace resizes the data disk of a host with one; host \S+ has 0$/,
  );
});

test('GetRestResource answers whether ResizeUHostInstance would accept that size now, as ucloud-sdk-go asks it', async () => {
  // A tenant of its own, so the quota arithmetic does not depend on the other tests' hosts.
  const tenant = (await otherAccount(kiln, 'resizer')).client;
  const ask = async (params: Record<string, unknown>) => {
    const r = await tenant.call('GetRestResource', params);
    expectCode(r, 0);
    return r.body;
  };
  const host = await createHost(tenant, base, {
    CPU: 2,
    Memory: 4096,
    Disks: [
      { IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 },
      { IsBoot: 'False', Type: 'CLOUD_SSD', Size: 2 },
    ],
  });
  await createHost(tenant, base); // 1 GB more: the tenant holds 4 GB of its 16.

  const running = await ask({ Zone: 'cn-bj2-04', UHostId: host, CPU: 4, Memory: 8192 });
  assert.equal(running.UpgradeStatus, false, 'a running host cannot be resized');
  assert.deepEqual(running.ResourceInfos, [{ Region: 'cn-bj2', Zone: 'cn-bj2-04', UHostType: 'Normal' }]);
  expectCode(await tenant.call('ResizeUHostInstance', { UHostId: host, CPU: 4, Memory: 8192 }), 8010);

  await stopHost(tenant, host);
  assert.equal((await ask({ UHostId: host, CPU: 4, Memory: 8192 })).UpgradeStatus, true);
  assert.equal((await ask({ UHostId: host })).UpgradeStatus, true, 'the current size');
  for (const wanted of [{ CPU: 512 }, { CPU: 0 }, { Memory: 512 }, { BootDiskSpace: 9 }, { DiskSpace: 1 }]) {
    assert.equal((await ask({ UHostId: host, ...wanted })).UpgradeStatus, false, JSON.stringify(wanted));
    const resize = await tenant.call('ResizeUHostInstance', { UHostId: host, ...wanted });
    assert.equal(resize.body.RetCode, 230, `the resize itself is refused too: ${JSON.stringify(resize.body)}`);
  }
  // Growth counts against the disk quota: 4 GB held, 8+8 would make 17 of 16; 8+7 makes 16.
  assert.equal((await ask({ UHostId: host, BootDiskSpace: 8, DiskSpace: 8 })).UpgradeStatus, false);
  expectCode(await tenant.call('ResizeUHostInstance', { UHostId: host, BootDiskSpace: 8, DiskSpace: 8 }), 8095);
  assert.equal((await ask({ UHostId: host, CPU: 4, BootDiskSpace: 8, DiskSpace: 7 })).UpgradeStatus, true);
  // Asking reserved nothing and changed nothing.
  const h = (await describeHost(tenant, host))!;
  assert.deepEqual([h.State, h.CPU, (h.DiskSet as { Size: number }[]).map((d) => d.Size)], ['Stopped', 2, [1, 2]]);
  expectCode(await tenant.call('ResizeUHostInstance', { UHostId: host, CPU: 4, BootDiskSpace: 8, DiskSpace: 7 }), 0);
  await waitFor(
    'disks grown',
    async () => ((await describeHost(tenant, host))!.DiskSet as { Size: number }[]).map((d) => d.Size).join(',') === '8,7' || undefined,
  );
  assert.equal((await ask({ UHostId: host, CPU: 8 })).UpgradeStatus, true, 'stopped again once the grow job committed');

  // The usual refusals for a host that is not there or not the caller's.
  expectCode(await client.call('GetRestResource', { UHostId: host, CPU: 4 }), 8039, /does not exist/);
  expectCode(await tenant.call('GetRestResource', { UHostId: 'uhost-nothere', CPU: 4 }), 8039, /does not exist/);
  expectCode(await tenant.call('GetRestResource', { UHostId: host, Zone: 'cn-bj2-99' }), 230, /^Params \[Zone\] not valid/);
  expectCode(await tenant.call('GetRestResource', { UHostId: host, CPU: 'four' }), 230, /^Params \[CPU\] not valid/);

  // Without a host, as the SDK's own test calls it: the zones with resources of that type.
  const zones = await ask({ Zone: 'cn-bj2-04', ResourceType: 'GPU' });
  assert.deepEqual(zones, { ...zones, UpgradeStatus: false, ResourceInfos: [{ Region: 'cn-bj2', Zone: 'cn-bj2-04', UHostType: 'GPU' }] });
});
