/**
 * One tenant's slow imports must not stall anyone else's jobs. Two
 * imports from a server that trickles a byte a second used to hold both job workers, so
 * another account's new host stayed Initializing for minutes, and the importer could not
 * even delete its stuck image (8961).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import { waitImageSettled } from '../support/uhost-flow.ts';
import { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
const files = new FileServer();
let kiln: KilnProcess;
let alice: UCloudTestClient;
let bob: UCloudTestClient;
let baseImageId: string;

before(async () => {
  await files.start();
  kiln = await KilnProcess.start({
    KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`,
    KILN_WORKERS: '2',
    // One account may fill the import lane here: this test is about the instance lane.
    KILN_IMPORT_WORKERS_PER_ACCOUNT: '2',
    // A trickle fails after one 8 s window: long enough for the checks below to see both
    // imports holding their lane, short enough to see the reason within the test.
    KILN_IMPORT_MIN_RATE_BYTES_PER_S: '1024',
    KILN_IMPORT_RATE_WINDOW_MS: '8000',
  });
  alice = await kiln.adminClient();
  const b = JSON.parse(await kiln.cli(['account', 'create', 'tenant-b', '--json'])) as { publicKey: string; privateKey: string };
  bob = new UCloudTestClient({ baseUrl: kiln.baseUrl, publicKey: b.publicKey, privateKey: b.privateKey, region: 'cn-bj2' });
  const base = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(base, 16 * MiB, [{ offset: 0, length: MiB, seed: 3 }]);
  baseImageId = (JSON.parse(await kiln.cli(['image', 'add-base', base, '--name', 'Base', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

async function runningJobs(): Promise<number> {
  const text = await (await fetch(`${kiln.baseUrl}/metrics`)).text();
  return Number(/kiln_jobs\{state="running"\} (\d+)/.exec(text)?.[1] ?? 0);
}

async function importFrom(url: string, name: string): Promise<string> {
  const r = await alice.call('ImportCustomImage', { ImageName: name, UFileUrl: url, OsType: 'Linux', OsName: 'Linux', Format: 'RAW', Auth: true });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  return r.body.ImageId as string;
}

test("two trickling imports of one account: another account's host runs in seconds, the importer deletes its stuck import at once, and a trickle fails as too slow", async (t) => {
  const started = Date.now();
  const stuck = await importFrom(files.trickleUrl('a.raw'), 'trickle-a');
  const slow = await importFrom(files.trickleUrl('b.raw'), 'trickle-b');
  await waitFor('both imports to hold a worker', async () => ((await runningJobs()) === 2 ? true : undefined), 10_000);

  const t0 = Date.now();
  const created = await bob.call('CreateUHostInstance', {
    Zone: 'cn-bj2-04',
    ImageId: baseImageId,
    LoginMode: 'Password',
    Password: Buffer.from('Passw0rd!').toString('base64'),
    Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }],
  });
  assert.equal(created.body.RetCode, 0, JSON.stringify(created.body));
  const hostId = (created.body.UHostIds as string[])[0]!;
  await waitFor(
    `host ${hostId} Running`,
    async () => {
      const r = await bob.call('DescribeUHostInstance', { UHostIds: [hostId] });
      return (r.body.UHostSet as { State: string }[])[0]?.State === 'Running' ? true : undefined;
    },
    10_000,
  );
  const runningAfterMs = Date.now() - t0;
  t.diagnostic(`tenant B's host reached Running ${runningAfterMs} ms after CreateUHostInstance, with both of A's imports trickling`);
  assert.ok(runningAfterMs < 10_000);

  const t1 = Date.now();
  const del = await alice.call('TerminateCustomImage', { ImageId: stuck });
  const deleteMs = Date.now() - t1;
  assert.equal(del.body.RetCode, 0, JSON.stringify(del.body));
  t.diagnostic(`A's TerminateCustomImage of its Making import answered RetCode 0 in ${deleteMs} ms`);
  assert.equal((await alice.call('DescribeImage', { ImageId: stuck })).body.TotalCount, 0);
  // Its worker notices at its next heartbeat (the job is ended under it) and lets go.
  await waitFor('the cancelled import to release its worker', async () => ((await runningJobs()) === 1 ? true : undefined), 10_000);

  const failed = await waitImageSettled(alice, slow, 30_000);
  t.diagnostic(`the other trickle failed ${Date.now() - started} ms after its import began: ${String(failed.FailedReason)}`);
  assert.equal(failed.State, 'Unavailable');
  assert.match(String(failed.FailedReason), /too slow: \d+ bytes in 8 s, under the minimum of 1024 bytes\/s/);
});
