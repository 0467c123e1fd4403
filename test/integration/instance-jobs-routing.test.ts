/**
 * A reinstall and a disk growth touch an instance's disks, so they run on the node
 * that holds them, even when another node is idle. One API process with no workers and two
 * worker processes of different nodes on one database and blob store; as with the
 * multi-host rehearsal, this needs PostgreSQL + S3 and runs in the pg-s3 phase only.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { firstDifference } from '../support/disk-compare.ts';
import { currentStack } from '../support/stacks.ts';
import { createHost, diskPath, stopHost, waitHostState } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { WorkerProcess } from '../support/worker-process.ts';
import { virtualSize } from '../support/guest-disk.ts';

const multiHost = currentStack() === 'pg-s3';
const MiB = 1024 * 1024;
let api: KilnProcess;
let client: UCloudTestClient;
let nodeA: WorkerProcess | undefined;
let nodeB: WorkerProcess | undefined;

before(async () => {
  if (!multiHost) return;
  api = await KilnProcess.start({ KILN_WORKERS: '0' });
  client = await api.adminClient();
  nodeA = await WorkerProcess.start(api, 'node-a');
});

after(async () => {
  await nodeA?.stop();
  await nodeB?.stop();
  await api?.stop();
});

const multiHostTest = multiHost ? test : () => undefined;

multiHostTest('a reinstall and a resize of a host on node A run on node A while node B is idle', async () => {
  const add = async (name: string, seed: number) => {
    const file = join(api.dataDir, `${name}.raw`);
    await writeSparseDisk(file, 8 * MiB, [{ offset: MiB, length: MiB, seed }]);
    return {
      file,
      id: (JSON.parse(await api.cli(['image', 'add-base', file, '--name', name, '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId,
    };
  };
  const first = await add('first', 1);
  const second = await add('second', 2);
  const host = await createHost(client, first.id);
  const before = await diskPath(api, host);
  assert.ok(before.startsWith(nodeA!.dataDir), `the host lives on node A: ${before}`);

  // Node B holds no instance: anything routed by load alone would go there.
  nodeB = await WorkerProcess.start(api, 'node-b');
  await stopHost(client, host);
  const r = await client.call('ReinstallUHostInstance', { UHostId: host, ImageId: second.id, Password: 'UGFzc3cwcmQh' });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  await waitHostState(client, host, 'Running');
  const boot = await diskPath(api, host);
  assert.ok(boot.startsWith(nodeA!.dataDir), `the new system disk is on node A too: ${boot}`);
  assert.equal(await firstDifference(boot, second.file), -1);

  await stopHost(client, host);
  const grow = await client.call('ResizeUHostInstance', { UHostId: host, BootDiskSpace: 2 });
  assert.equal(grow.body.RetCode, 0, JSON.stringify(grow.body));
  await waitFor('the system disk grown on node A', async () => ((await virtualSize(boot)) === 2 * 1024 * MiB ? true : undefined));
  const described = await client.call('DescribeUHostInstance', { UHostIds: [host] });
  assert.equal(((described.body.UHostSet as Record<string, unknown>[])[0]!.DiskSet as { Size: number }[])[0]!.Size, 2);
});
