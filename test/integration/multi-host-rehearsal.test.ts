import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { allChunkKeys, openStoresOf } from '../support/kiln-stores.ts';
import { assertSameBytes, writeAt, writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import { currentStack } from '../support/stacks.ts';
import { createHost, diskPath, stopHost, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { WorkerProcess } from '../support/worker-process.ts';

// One API process with no workers and two worker processes of different nodes on one
// database and one blob store: what an operator runs across hosts. On the embedded stack
// each node would need its own copy of the SQLite file, so this runs with PostgreSQL + S3.
const multiHost = currentStack() === 'pg-s3';
const MiB = 1024 * 1024;

let api: KilnProcess;
let client: UCloudTestClient;
let nodeA: WorkerProcess;
let nodeB: WorkerProcess | undefined;
const slow = new FileServer();
let slowUrl: string;

let uploadDir: string;

before(async () => {
  if (!multiHost) return;
  // The import source: 24 MiB holding 12 MiB, served at 4 MiB/s so a worker can be killed mid-download.
  uploadDir = await mkdtemp(join(tmpdir(), 'kiln-upload-'));
  const src = join(uploadDir, 'upload.raw');
  await writeSparseDisk(src, 24 * MiB, [{ offset: 0, length: 12 * MiB, seed: 7 }]);
  await slow.start();
  slowUrl = slow.serve('upload.raw', src, { ranges: false, bytesPerSecond: 4 * MiB });
  api = await KilnProcess.start({
    KILN_WORKERS: '0',
    KILN_JOB_LEASE_MS: '3000',
    KILN_JOB_HEARTBEAT_MS: '500',
    KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${slow.port}`,
  });
  client = await api.adminClient();
  nodeA = await WorkerProcess.start(api, 'node-a');
});

after(async () => {
  await nodeA?.stop();
  await nodeB?.stop();
  await slow.close();
  await api?.stop();
  if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
});

async function nodeOf(hostId: string): Promise<string | null> {
  const stores = await openStoresOf(api.env);
  try {
    return (await stores.store.instances.get(hostId))?.nodeId ?? null;
  } finally {
    await stores.close();
  }
}

// Registered in the pg-s3 phase of `npm test` only (like the PostgreSQL and S3 contract suites).
const multiHostTest = multiHost ? test : () => undefined;

multiHostTest('capture on node A, import on either node surviving a SIGKILL, host from the image on node B, GC leaves exactly what manifests use', async () => {
  // A base image, and a host from it: only node A is alive, so the host is placed there.
  const base = join(api.dataDir, 'base.raw');
  await writeSparseDisk(base, 64 * MiB, [{ offset: 0, length: MiB, seed: 1 }]);
  const baseId = (JSON.parse(await api.cli(['image', 'add-base', base, '--name', 'Base', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
  const host1 = await createHost(client, baseId);
  assert.equal(await nodeOf(host1), 'node-a');
  const disk1 = await diskPath(api, host1);
  assert.ok(disk1.startsWith(nodeA.dataDir), `host 1's disk lives on node A: ${disk1}`);
  await writeAt(disk1, 7 * MiB + 123, Buffer.alloc(3 * MiB, 0x5a));

  // Capture is routed to node A, where the disk is.
  nodeB = await WorkerProcess.start(api, 'node-b');
  await stopHost(client, host1);
  const cap = await client.call('CreateCustomImage', { UHostId: host1, ImageName: 'captured-on-a' });
  assert.equal(cap.body.RetCode, 0, JSON.stringify(cap.body));
  const captured = await waitImageSettled(client, cap.body.ImageId as string);
  assert.equal(captured.State, 'Available', JSON.stringify(captured));

  // Node A's disks (and image cache) live in this dir; a node A restarted below gets a new one.
  const nodeADataDir = nodeA.dataDir;
  // An import goes to any worker; the one running it is killed mid-download.
  const imp = await client.call('ImportCustomImage', {
    ImageName: 'imported',
    UFileUrl: slowUrl,
    OsType: 'Ubuntu',
    OsName: 'Ubuntu 22.04',
    Format: 'RAW',
    Auth: true,
  });
  assert.equal(imp.body.RetCode, 0, JSON.stringify(imp.body));
  const importId = imp.body.ImageId as string;
  const stores = await openStoresOf(api.env);
  let runnerPid: number;
  try {
    runnerPid = await waitFor('the import to be running', async () => {
      const job = await stores.store.jobs.latestForImage(importId);
      return job?.state === 'running' && job.leaseOwner ? Number(job.leaseOwner.split(':')[1]) : undefined;
    });
  } finally {
    await stores.close();
  }
  const victim = [nodeA, nodeB].find((w) => w.pid === runnerPid);
  assert.ok(victim, `the import runs on one of the workers (pid ${runnerPid})`);
  await waitFor('some bytes downloaded', async () => (slow.requests('upload.raw').length > 0 ? true : undefined));
  await new Promise((r) => setTimeout(r, 1000));
  await victim.kill('SIGKILL');
  const imported = await waitImageSettled(client, importId, 120_000);
  assert.ok(imported.State === 'Available' || String(imported.FailedReason ?? '').length > 0, JSON.stringify(imported));
  assert.equal(imported.State, 'Available', 'the surviving worker finished the import');
  assert.ok(slow.requests('upload.raw').length >= 2, 'the survivor downloaded again');
  if (victim === nodeA) nodeA = await WorkerProcess.start(api, 'node-a');
  else nodeB = await WorkerProcess.start(api, 'node-b');

  // Node B holds fewer instances, so the next host goes there, built from A's capture.
  const host2 = await createHost(client, cap.body.ImageId as string);
  assert.equal(await nodeOf(host2), 'node-b');
  const disk2 = await diskPath(api, host2);
  assert.ok(disk2.startsWith(nodeB!.dataDir), `host 2's disk lives on node B: ${disk2}`);
  await assertSameBytes(disk2, disk1, 'node B wrote exactly the bytes captured on node A');
  // Each node filled its own image cache from the blob store, with the images its disks are made from.
  const cached = async (dataDir: string) => (await readdir(join(dataDir, 'image-cache'))).filter((n) => !n.startsWith('.')).sort();
  assert.deepEqual(await cached(nodeADataDir), [`${baseId}.raw`]);
  if (nodeA.dataDir !== nodeADataDir) await rm(nodeADataDir, { recursive: true, force: true });
  assert.deepEqual(await cached(nodeB!.dataDir), [`${cap.body.ImageId as string}.raw`]);

  // Nothing is left in Making.
  const listed = await client.call('DescribeImage', { ImageType: 'Custom', Limit: 100 });
  for (const img of listed.body.ImageSet as { State: string }[]) assert.notEqual(img.State, 'Making');

  // After GC every chunk a manifest uses exists, and no other chunk remains.
  await api.cli(['gc', '--json']);
  const after = await openStoresOf(api.env);
  try {
    const stored = await allChunkKeys(after.blobs);
    for (const id of [baseId, cap.body.ImageId as string, importId]) {
      const m = await after.store.images.getManifest(id);
      assert.ok(m, `image ${id} has a manifest`);
      for (const k of m.chunks) if (k) assert.ok(stored.has(k), `chunk ${k} of ${id} exists`);
    }
    const inUse = await after.store.chunks.inUseAmong([...stored]);
    assert.deepEqual(
      [...stored].filter((k) => !inUse.has(k)),
      [],
      'no chunk is left that nothing uses',
    );
  } finally {
    await after.close();
  }
});
