import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openSqlite, type Db } from '../../../src/store/metadata/database.ts';
import { JobRepo } from '../../../src/store/metadata/job-repo.ts';

let dir: string;
let db: Db;
let jobs: JobRepo;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-jobs-'));
  db = await openSqlite(join(dir, 'kiln.sqlite'));
  jobs = new JobRepo(db);
});

after(async () => {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('a claimed job belongs to one worker until its lease lapses, then to the next', async () => {
  await jobs.enqueue({ id: 'job-a', kind: 'capture', payload: { x: 1 } });
  const first = await jobs.claim('worker-1', 200);
  assert.equal(first?.id, 'job-a');
  assert.equal(first?.attempts, 1);
  assert.equal(await jobs.claim('worker-2', 200), undefined, 'a live lease is not stolen');
  assert.equal(await jobs.heartbeat('job-a', 'worker-1', 200, { done: 5, total: 10 }), true);
  await new Promise((r) => setTimeout(r, 250));
  const second = await jobs.claim('worker-2', 200);
  assert.equal(second?.id, 'job-a', 'a lapsed lease is claimed again');
  assert.equal(second?.attempts, 2);
  assert.equal(second?.progressDone, 5);
  assert.equal(await jobs.heartbeat('job-a', 'worker-1', 200), false, 'the old owner learns it lost the lease');
  assert.equal(await jobs.finish('job-a', 'worker-1', 'succeeded', null), false, 'and cannot finish it');
  assert.equal(await jobs.finish('job-a', 'worker-2', 'succeeded', null), true);
  assert.equal((await jobs.get('job-a'))?.state, 'succeeded');
  assert.equal(await jobs.oldestActiveStart(), null);
});

test('concurrent claims hand each job to exactly one worker', async () => {
  for (let i = 0; i < 10; i++) await jobs.enqueue({ id: `job-c${i}`, kind: 'import', payload: {} });
  const claimed = await Promise.all(Array.from({ length: 30 }, (_, i) => jobs.claim(`w${i}`, 60_000)));
  const ids = claimed.filter((j) => j !== undefined).map((j) => j.id);
  assert.equal(ids.length, 10);
  assert.equal(new Set(ids).size, 10);
});
