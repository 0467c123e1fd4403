/**
 * Migration 011 gives jobs their account (so that imports share their lane
 * between accounts). Jobs queued or running when it runs take their image's or instance's
 * account, so the first claims after an upgrade already share the lane.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Image, Instance } from '../../../src/core/model.ts';
import { migrate } from '../../../src/store/metadata/database.ts';
import * as placeCounts from '../../../src/store/metadata/migrations/013_image_place_counts.ts';
import { KyselyMetadataStore } from '../../../src/store/metadata/kysely-metadata-store.ts';
import type { Database } from '../../../src/store/metadata/schema.ts';

const now = Date.now();
const image: Image = {
  id: 'img-1',
  product: 'uhost',
  accountId: 'acc-img',
  projectId: 'org-1',
  region: 'r',
  zone: 'z',
  kind: 'custom',
  name: 'i',
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
};
const instance: Instance = {
  id: 'uhost-1',
  product: 'uhost',
  accountId: 'acc-host',
  projectId: 'org-2',
  region: 'r',
  zone: 'z',
  name: 'n',
  state: 'running',
  operation: null,
  nodeId: null,
  imageId: 'img-1',
  cpu: 1,
  memoryMb: 1024,
  gpuType: null,
  gpuCount: 0,
  osType: 'Linux',
  osName: 'L',
  attributes: {},
  createdAt: now,
  updatedAt: now,
};

test("migration 011 gives queued and running jobs their image's or instance's account", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-mig-'));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(join(dir, 'kiln.sqlite')) }) });
  try {
    await migrate(db, '010_image_replicas');
    // Today's store writes the rows below and keeps 013's place counters on every insert;
    // those counters are independent of 011, so they are created out of order here.
    await placeCounts.up(db);
    const store = new KyselyMetadataStore(db);
    await store.images.insert(image, { uniqueName: false });
    await store.instances.insert(instance, []);
    const job = (id: string, state: string, imageId: string | null, instanceId: string | null) =>
      sql`insert into jobs (id, kind, payload, state, attempts, image_id, instance_id, progress_done, progress_total, created_at, queued_at, updated_at)
          values (${id}, 'import', '{}', ${state}, 0, ${imageId}, ${instanceId}, 0, 0, ${now}, ${now}, ${now})`.execute(db);
    await job('job-import', 'queued', 'img-1', null);
    await job('job-capture', 'running', 'img-1', 'uhost-1');
    await job('job-deploy', 'queued', null, 'uhost-1');
    await job('job-done', 'succeeded', 'img-1', null);
    await job('job-gone', 'queued', 'img-deleted', null);

    assert.deepEqual(await migrate(db, '011_job_accounts'), ['011_job_accounts']);
    const accounts = Object.fromEntries((await db.selectFrom('jobs').select(['id', 'account_id']).execute()).map((r) => [r.id, r.account_id]));
    assert.deepEqual(accounts, {
      'job-import': 'acc-img',
      'job-capture': 'acc-img',
      'job-deploy': 'acc-host',
      'job-done': null,
      'job-gone': null,
    });
  } finally {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});
