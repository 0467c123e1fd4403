/**
 * A job row outlives the code that wrote it: one written by an older version, or by an
 * operator's hand, may not fit this version's payload for its kind. Such a job fails
 * with a reason when a worker claims it, what it was making says why, and the worker
 * goes on with the next job. The rows are written straight into the server's database
 * (SQLite or PostgreSQL), as no port of ours would write them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import type { MetadataStore } from '../../src/core/ports/metadata-store.ts';
import { openDatabase } from '../../src/store/metadata/database.ts';
import { dbNowMs, engineOf, type Db } from '../../src/store/metadata/engine.ts';
import { queuedJobRow } from '../../src/store/metadata/job-repo.ts';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { openStoresOf } from '../support/kiln-stores.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { createHost, stopHost, waitHostState, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let client: UCloudTestClient;
let stores: Awaited<ReturnType<typeof openStoresOf>>;
let db: Db;
let baseId: string;

before(async () => {
  // One custom image per account: whether the failed image gave its slot back shows at once.
  kiln = await KilnProcess.start({ KILN_CUSTOM_IMAGE_QUOTA: '1' });
  client = await kiln.adminClient();
  stores = await openStoresOf(kiln.env);
  db = (await openDatabase(loadConfig({ ...process.env, ...kiln.env }).database)).db;
  const base = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(base, 8 * MiB, [{ offset: 0, length: MiB, seed: 3 }]);
  baseId = (JSON.parse(await kiln.cli(['image', 'add-base', base, '--name', 'Base', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
});

after(async () => {
  await db?.destroy();
  await stores?.close();
  await kiln?.stop();
});

/** Queues a job row with `payload` as its stored text, past every type check. */
async function writeJobRow(row: {
  kind: string;
  payload: string;
  imageId?: string;
  instanceId?: string;
  accountId?: string;
  nodeId?: string | null;
}): Promise<string> {
  const id = `job-byhand${randomBytes(4).toString('hex')}`;
  const { payload: payloadText, ...rest } = row;
  await db
    .insertInto('jobs')
    .values(queuedJobRow({ ...rest, id, payloadText }, dbNowMs(engineOf(db))))
    .execute();
  return id;
}

async function admin(store: MetadataStore): Promise<{ accountId: string; projectId: string }> {
  const account = await store.accounts.anyAdmin();
  assert.ok(account, 'the server made its admin account');
  const projectId = await store.accounts.defaultProject(account.id);
  assert.ok(projectId);
  return { accountId: account.id, projectId };
}

async function settledJob(id: string) {
  return waitFor(`job ${id}`, async () => {
    const job = await stores.store.jobs.get(id);
    return job && (job.state === 'failed' || job.state === 'succeeded') ? job : undefined;
  });
}

test('an import job whose stored payload an older version wrote fails with why; its image is Unavailable naming it, and its quota slot is free', async () => {
  const { store } = stores;
  const owner = await admin(store);
  const config = loadConfig({ ...process.env, ...kiln.env });
  assert.equal(config.quotas.customImagesPerAccount, 1);
  const region = config.regions.find((r) => r.id === config.defaultRegion)!;
  const imageId = `uimage-byhand${randomBytes(4).toString('hex')}`;
  const now = Date.now();
  await store.transaction(async (tx) => {
    await tx.quota.take(owner.accountId, 'uhost', 1);
    await tx.images.insert(
      {
        id: imageId,
        product: 'uhost',
        accountId: owner.accountId,
        projectId: owner.projectId,
        region: region.id,
        zone: region.defaultZone,
        kind: 'custom',
        name: `byhand-${imageId}`,
        description: '',
        osType: 'Linux',
        osName: 'Linux',
        state: 'making',
        failedReason: null,
        virtualSize: 0,
        storedSize: 0,
        sourceInstanceId: null,
        parentImageId: null,
        visibility: 'private',
        attributes: {},
        createdAt: now,
        updatedAt: now,
      },
      { uniqueName: false },
    );
  });
  // The URL under another name, as a version that called it `source` would have stored it.
  const jobId = await writeJobRow({
    kind: 'import',
    payload: JSON.stringify({ source: 'http://127.0.0.1:9/disk.raw', format: 'raw' }),
    imageId,
    accountId: owner.accountId,
  });

  const job = await settledJob(jobId);
  assert.equal(job.state, 'failed');
  assert.match(String(job.error), /payload/);
  assert.match(String(job.error), /url/, 'the reason names the missing field');
  const img = await waitImageSettled(client, imageId);
  assert.equal(img.State, 'Unavailable');
  assert.equal(img.FailedReason, job.error);
  // The account's one slot is free again: taking it succeeds (and it is given back after).
  await store.transaction(async (tx) => tx.quota.take(owner.accountId, 'uhost', 1));
  await store.transaction(async (tx) => tx.quota.release(owner.accountId, 'uhost'));
});

test('a grow job whose stored disks are not a list fails with why and frees its instance; the worker goes on with the next jobs', async () => {
  const { store } = stores;
  const owner = await admin(store);
  const host = await createHost(client, baseId, { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }] });
  await stopHost(client, host);
  const instance = (await store.instances.get(host))!;
  // Held for a resize as ResizeUHostInstance holds it, with a job whose disks are a string.
  assert.equal(await store.instances.transition(host, { states: ['stopped'], operation: null }, { operation: 'resizing' }), true);
  const jobId = await writeJobRow({
    kind: 'grow',
    payload: JSON.stringify({ disks: 'all of them', grownBytes: 0 }),
    instanceId: host,
    accountId: owner.accountId,
    nodeId: instance.nodeId,
  });

  const job = await settledJob(jobId);
  assert.equal(job.state, 'failed');
  assert.match(String(job.error), /grow payload does not fit at \/disks: expected array/);
  assert.equal((await store.instances.get(host))?.operation, null, 'the instance is no longer held');
  // The same worker runs what comes next: a start of the freed instance, and a new host deployed.
  assert.equal((await client.call('StartUHostInstance', { UHostId: host })).body.RetCode, 0);
  await waitHostState(client, host, 'Running');
  const next = await createHost(client, baseId, { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }] });
  await waitHostState(client, next, 'Running');
});
