/**
 * A crash between an import's commit and the end of its job used to re-run a
 * finished import. The commit now ends the job in the same transaction, and an image is
 * only made available while it is still being made. Proved here with real processes: a
 * SIGKILL just after the commit, and a delete while the import runs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess, sleep, waitFor } from '../support/kiln-process.ts';
import { allChunkKeys, openStoresOf } from '../support/kiln-stores.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
const LEASE_MS = 2000;
const files = new FileServer();
let kiln: KilnProcess;
let client: UCloudTestClient;

before(async () => {
  await files.start();
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`, KILN_JOB_LEASE_MS: String(LEASE_MS), KILN_JOB_HEARTBEAT_MS: '500' });
  client = await kiln.adminClient();
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

async function importFrom(url: string, name: string): Promise<string> {
  const r = await client.call('ImportCustomImage', { ImageName: name, UFileUrl: url, OsType: 'Linux', OsName: 'Linux', Format: 'RAW', Auth: true });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  return r.body.ImageId as string;
}

async function imageState(id: string): Promise<string | undefined> {
  const r = await client.call('DescribeImage', { ImageId: id });
  return (r.body.ImageSet as { State: string }[] | undefined)?.[0]?.State;
}

async function runningJobs(): Promise<number> {
  const text = await (await fetch(`${kiln.baseUrl}/metrics`)).text();
  return Number(/kiln_jobs\{state="running"\} (\d+)/.exec(text)?.[1] ?? 0);
}

/** After `kiln gc`: every stored chunk, and those the given images reference or a job holds. */
async function chunksAfterGc(imageIds: string[]): Promise<{ stored: Set<string>; referenced: Set<string>; inUse: Set<string> }> {
  const gc = JSON.parse(await kiln.cli(['gc', '--json'])) as { ran: boolean };
  assert.equal(gc.ran, true);
  const stores = await openStoresOf(kiln.env);
  try {
    const stored = await allChunkKeys(stores.blobs);
    const referenced = new Set<string>();
    for (const id of imageIds) for (const k of (await stores.store.images.getManifest(id))?.chunks ?? []) if (k) referenced.add(k);
    return { stored, referenced, inUse: await stores.store.chunks.inUseAmong([...stored]) };
  } finally {
    await stores.close();
  }
}

let committedImage: string;

test('SIGKILL right after an import commits: the image stays Available, nothing is downloaded again, gc leaves no orphan', async (t) => {
  const src = join(kiln.dataDir, 'committed.raw');
  await writeSparseDisk(src, 24 * MiB, [
    { offset: 0, length: 3 * MiB, seed: 21 },
    { offset: 12 * MiB, length: 2 * MiB, seed: 22 },
  ]);
  const url = files.serve('committed.raw', src, { ranges: false });
  const id = await importFrom(url, 'committed');
  // Polled as fast as the API answers, so the kill lands right after the commit.
  const deadline = Date.now() + 60_000;
  while ((await imageState(id)) !== 'Available') {
    assert.ok(Date.now() < deadline, 'the import did not finish');
  }
  await kiln.kill('SIGKILL');
  const downloads = files.requests('committed.raw').length;
  assert.ok(downloads >= 1);

  await kiln.launch();
  // Long enough for a job left `running` by the kill to lapse and be claimed again.
  await sleep(2 * LEASE_MS + 1000);
  assert.equal(await imageState(id), 'Available');
  assert.equal(files.requests('committed.raw').length, downloads, 'no second download');
  t.diagnostic(`GETs of the source: ${downloads} before the kill, ${files.requests('committed.raw').length} after restart + ${2 * LEASE_MS + 1000} ms`);
  const stores = await openStoresOf(kiln.env);
  try {
    const job = await stores.store.jobs.latestForImage(id);
    assert.equal(job?.state, 'succeeded', 'the job ended with its commit');
    assert.equal(job?.attempts, 1);
  } finally {
    await stores.close();
  }
  const { stored, referenced, inUse } = await chunksAfterGc([id]);
  assert.ok(referenced.size >= 2, `the image references ${referenced.size} chunks`);
  assert.deepEqual(
    [...stored].filter((k) => !inUse.has(k)),
    [],
    'no orphan chunk',
  );
  for (const k of referenced) assert.ok(stored.has(k), `referenced chunk ${k} is stored`);
  committedImage = id;
});

test('an image deleted while its import runs gets no manifest, and gc leaves nothing of it', async (t) => {
  const src = join(kiln.dataDir, 'held.raw');
  await writeSparseDisk(src, 16 * MiB, [{ offset: 0, length: 16 * MiB, seed: 31 }]);
  const url = files.serve('held.raw', src, { ranges: false, hold: true });
  const id = await importFrom(url, 'held');
  await waitFor(
    'the import to start downloading',
    async () => (files.requests('held.raw').length >= 1 && (await runningJobs()) >= 1 ? true : undefined),
    10_000,
  );
  const t0 = Date.now();
  const del = await client.call('TerminateCustomImage', { ImageId: id });
  assert.equal(del.body.RetCode, 0, JSON.stringify(del.body));
  // The source now completes: a worker that missed the cancellation would chunk and commit.
  files.release('held.raw');
  const stores = await openStoresOf(kiln.env);
  try {
    const job = await stores.store.jobs.latestForImage(id);
    assert.equal(job?.state, 'failed', 'the job ended with the delete');
    assert.match(String(job?.error), /^cancelled: image .* was deleted$/);
    // Its worker's heartbeat (or commit) fails, and it says so as it lets go.
    await waitFor(
      'the worker to let go',
      async () => (kiln.output.split('\n').some((l) => l.includes(job!.id) && l.includes('leaving the job')) ? true : undefined),
      10_000,
    );
    t.diagnostic(`the worker let go of the cancelled import ${Date.now() - t0} ms after the delete (heartbeat 500 ms)`);
    assert.equal(await stores.store.images.get(id), undefined);
    assert.equal(await stores.store.images.getManifest(id), undefined, 'no manifest');
  } finally {
    await stores.close();
  }
  const { stored, referenced, inUse } = await chunksAfterGc([committedImage]);
  assert.deepEqual(
    [...stored].filter((k) => !inUse.has(k)),
    [],
    'no orphan chunk',
  );
  assert.deepEqual([...inUse].sort(), [...referenced].sort(), "nothing is kept but the other image's chunks");
});
