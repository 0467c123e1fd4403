/**
 * One tenant's slow imports must not starve another tenant's imports.
 * Six imports from a source that sends a byte a second used to hold both import workers,
 * so another account's import waited in the queue until a trickle gave up (minutes, and
 * longer the more the first account queued). Each account now gets a fair share of the
 * import lane: by default one account runs at most all but one of a process's import
 * workers while it has others queued, and accounts take turns.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess, sleep, waitFor } from '../support/kiln-process.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import { waitImageSettled } from '../support/uhost-flow.ts';
import { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
const files = new FileServer();
let kiln: KilnProcess;
let alice: UCloudTestClient;
let bob: UCloudTestClient;
let bobUrl: string;

before(async () => {
  await files.start();
  kiln = await KilnProcess.start({
    KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`,
    KILN_WORKERS: '2',
    // A trickle is too slow only after a window longer than this test, so nothing but
    // the lane's share can free a worker for the other account.
    KILN_IMPORT_MIN_RATE_BYTES_PER_S: '1024',
    KILN_IMPORT_RATE_WINDOW_MS: '120000',
  });
  alice = await kiln.adminClient();
  const b = JSON.parse(await kiln.cli(['account', 'create', 'tenant-b', '--json'])) as { publicKey: string; privateKey: string };
  bob = new UCloudTestClient({ baseUrl: kiln.baseUrl, publicKey: b.publicKey, privateKey: b.privateKey, region: 'cn-bj2' });
  // 64 MiB like the report's import, mostly sparse so the test stays small.
  const disk = join(kiln.dataDir, 'bob.raw');
  await writeSparseDisk(disk, 64 * MiB, [
    { offset: 0, length: MiB, seed: 7 },
    { offset: 40 * MiB, length: MiB, seed: 8 },
  ]);
  bobUrl = files.serve('bob.raw', disk, { ranges: false });
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

async function jobCount(state: 'running' | 'queued'): Promise<number> {
  const text = await (await fetch(`${kiln.baseUrl}/metrics`)).text();
  return Number(new RegExp(`kiln_jobs\\{state="${state}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
}

async function importFrom(c: UCloudTestClient, url: string, name: string): Promise<string> {
  const r = await c.call('ImportCustomImage', { ImageName: name, UFileUrl: url, OsType: 'Linux', OsName: 'Linux', Format: 'RAW', Auth: true });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  return r.body.ImageId as string;
}

test("six trickling imports of one account: another account's import starts within seconds and completes", async (t) => {
  const trickles: string[] = [];
  for (let i = 0; i < 6; i++) trickles.push(await importFrom(alice, files.trickleUrl(`a${i}.raw`), `trickle-${i}`));
  try {
    await waitFor("alice's imports to start", async () => ((await jobCount('running')) >= 1 ? true : undefined), 10_000);
    // Lets the runner take every import worker alice may have (its claims follow each
    // enqueue at once; this is a margin, not a measurement).
    await sleep(1000);
    const aliceRunning = await jobCount('running');
    t.diagnostic(`alice: ${aliceRunning} imports trickling, ${await jobCount('queued')} queued`);

    const image = await importFrom(bob, bobUrl, 'bob-64m');
    const job = await waitFor(
      "bob's import job to start",
      async () => {
        const j = await kiln.latestJob(image);
        return j?.startedAt != null ? j : undefined;
      },
      15_000,
    );
    const waitedMs = job.startedAt! - job.createdAt;
    t.diagnostic(`bob's import waited ${waitedMs} ms in the queue behind alice's trickles`);
    assert.ok(waitedMs < 10_000, `bob's import waited ${waitedMs} ms`);
    const settled = await waitImageSettled(bob, image, 30_000);
    assert.equal(settled.State, 'Available', JSON.stringify(settled));

    // Alice still has one import running and the rest queued: her share, not the whole lane.
    assert.equal(await jobCount('running'), 1);
    assert.equal(await jobCount('queued'), 5);
  } finally {
    for (const id of trickles) await alice.call('TerminateCustomImage', { ImageId: id });
  }
});
