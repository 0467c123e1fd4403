/**
 * Limits on what one account may hold, because without them one account created 7,727
 * instances in 30 s; one request asked for 300 disks x 16,000 GB and was accepted; and a
 * 32,000 GB disk, which validation accepted, failed in the driver (EFBIG) and left a disk
 * directory behind. Now: per-account quotas (race-safe), disk counts and sizes checked at
 * the API, and a failed deployment removes what it created.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { openStoresOf } from '../support/kiln-stores.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { waitHostState } from '../support/uhost-flow.ts';
import { addZecBaseImage, CPU_TYPE, ZONE, zecClient } from '../support/zec-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;

describe('per-account quotas and disk limits', () => {
  let kiln: KilnProcess;
  let client: UCloudTestClient;
  let baseImageId: string;

  before(async () => {
    kiln = await KilnProcess.start({
      KILN_INSTANCE_QUOTA: '3',
      KILN_DISK_QUOTA: '8',
      KILN_DISK_QUOTA_GB: '100',
      KILN_MAX_DISK_GB: '64',
      KILN_JOB_MAX_ATTEMPTS: '1',
    });
    client = await kiln.adminClient();
    const base = join(kiln.dataDir, 'base.raw');
    await writeSparseDisk(base, 16 * MiB, [{ offset: 0, length: MiB, seed: 5 }]);
    baseImageId = (JSON.parse(await kiln.cli(['image', 'add-base', base, '--name', 'Base', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
  });
  after(async () => kiln?.stop());

  const host = (disks: { IsBoot: string; Type: string; Size: number }[]) =>
    client.call('CreateUHostInstance', { Zone: 'cn-bj2-04', ImageId: baseImageId, LoginMode: 'Password', Password: 'UGFzc3cwcmQh', Disks: disks });
  const disk = (size: number, isBoot = false) => ({ IsBoot: isBoot ? 'True' : 'False', Type: 'CLOUD_SSD', Size: size });

  async function hostCount(): Promise<number> {
    return (await client.call('DescribeUHostInstance', {})).body.TotalCount as number;
  }

  async function diskDirs(): Promise<string[]> {
    return readdir(join(kiln.dataDir, 'instances')).catch(() => []);
  }

  test('disk counts and sizes are checked at the API, and a refused request creates nothing', async (t) => {
    const many = await host([disk(1, true), ...Array.from({ length: 299 }, () => disk(16_000))]);
    assert.equal(many.body.RetCode, 230, JSON.stringify(many.body));
    assert.match(String(many.body.Message), /^Params \[Disks\] not valid: an instance may have at most 16 disks, not 300$/);
    const huge = await host([disk(32_000, true)]);
    assert.equal(huge.body.RetCode, 230);
    assert.match(String(huge.body.Message), /^Params \[Disks\.0\.Size\] not valid: a disk may be at most 64 GB/);
    const bigData = await host([disk(1, true), disk(65)]);
    assert.equal(bigData.body.RetCode, 230);
    assert.match(String(bigData.body.Message), /Params \[Disks\.1\.Size\] not valid/);
    t.diagnostic(`300 disks: ${many.body.RetCode} ${String(many.body.Message)}; 32000 GB: ${huge.body.RetCode} ${String(huge.body.Message)}`);
    assert.equal(await hostCount(), 0);
    assert.deepEqual(await diskDirs(), [], 'no disk directory');
  });

  test("provisioned size: a request that would pass the account's total is refused with 8095", async () => {
    const r = await host([disk(1, true), disk(64), disk(64)]);
    assert.equal(r.body.RetCode, 8095, JSON.stringify(r.body));
    assert.match(String(r.body.Message), /disk size quota exceeded: the account has 0 of 100 GB provisioned and asked for 129 GB more/);
    assert.equal(await hostCount(), 0);
  });

  test('instances: of 8 concurrent creates exactly the quota (3) succeed; terminating gives a slot back', async (t) => {
    const results = await Promise.all(Array.from({ length: 8 }, () => host([disk(1, true)])));
    const codes = results.map((r) => r.body.RetCode as number);
    t.diagnostic(`RetCodes of 8 concurrent creates with an instance quota of 3: ${codes.join(',')}`);
    assert.equal(codes.filter((c) => c === 0).length, 3);
    assert.equal(codes.filter((c) => c === 8095).length, 5);
    assert.match(String(results.find((r) => r.body.RetCode === 8095)!.body.Message), /instance quota exceeded: the account has 3 of 3 instances/);
    assert.equal(await hostCount(), 3);
    const ids = results.filter((r) => r.body.RetCode === 0).map((r) => (r.body.UHostIds as string[])[0]!);
    for (const id of ids) await waitHostState(client, id, 'Running');
    assert.equal((await host([disk(1, true)])).body.RetCode, 8095);
    const term = await client.call('TerminateUHostInstance', { UHostId: ids[0] });
    assert.equal(term.body.RetCode, 0, JSON.stringify(term.body));
    const again = await host([disk(1, true)]);
    assert.equal(again.body.RetCode, 0, JSON.stringify(again.body));
    await waitHostState(client, (again.body.UHostIds as string[])[0]!, 'Running');
    // Back to 3 of 3: free two slots for the next tests.
    for (const id of ids.slice(1)) assert.equal((await client.call('TerminateUHostInstance', { UHostId: id })).body.RetCode, 0);
  });

  test('ZEC: a batch over the quota is refused whole, with nothing created', async () => {
    const zec = await zecClient(kiln);
    const zecBase = await addZecBaseImage(kiln);
    const r = await zec.call('CreateZecInstances', { zoneId: ZONE, imageId: zecBase, instanceType: CPU_TYPE, subnetId: 'subnet-1', instanceCount: 3 });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.code, 'INVALID_INSTANCE_QUOTA_EXCEED');
    assert.equal((await zec.ok('DescribeInstances', {})).totalCount, 0, 'no instance of the batch exists');
  });

  test('a deployment that fails leaves no disk file behind, and terminating it releases its quota', async (t) => {
    // An image one of whose chunks is lost: deploying it fails while writing the disk.
    const file = join(kiln.dataDir, 'broken.raw');
    await writeSparseDisk(file, 16 * MiB, [{ offset: 0, length: 8 * MiB, seed: 7 }]);
    const broken = (JSON.parse(await kiln.cli(['image', 'add-base', file, '--name', 'Broken', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
    const stores = await openStoresOf(kiln.env);
    try {
      const manifest = await stores.store.images.getManifest(broken);
      await stores.blobs.delete(manifest!.chunks.find((k) => k !== null)!);
      const r = await client.call('CreateUHostInstance', {
        Zone: 'cn-bj2-04',
        ImageId: broken,
        LoginMode: 'Password',
        Password: 'UGFzc3cwcmQh',
        Disks: [disk(2, true), disk(3)],
      });
      assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
      const id = (r.body.UHostIds as string[])[0]!;
      await waitFor(`host ${id} Install Fail`, async () => {
        const d = await client.call('DescribeUHostInstance', { UHostIds: [id] });
        return (d.body.UHostSet as { State: string }[])[0]?.State === 'Install Fail' ? true : undefined;
      });
      assert.equal(existsSync(join(kiln.dataDir, 'instances', id)), false, 'its disks were removed when the deployment failed');
      const admin = (await stores.store.accounts.anyAdmin())!;
      const held = await stores.store.quota.computeUsage(admin.id);
      t.diagnostic(`while Install Fail the account holds ${JSON.stringify(held)}`);
      assert.equal((await client.call('TerminateUHostInstance', { UHostId: id })).body.RetCode, 0);
      const after = await stores.store.quota.computeUsage(admin.id);
      assert.deepEqual(after, { instances: held.instances - 1, disks: held.disks - 2, diskBytes: held.diskBytes - 5 * 1024 ** 3 });
    } finally {
      await stores.close();
    }
  });
});
