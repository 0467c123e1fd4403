import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { pino, type Logger } from 'pino';
import { failImage } from '../../src/core/images/image-lifecycle.ts';
import type { Job, JobKind, Principal } from '../../src/core/model.ts';
import { LeaseLost } from '../../src/core/ports/metadata-store.ts';
import { StoreUnavailableError } from '../../src/core/ports/store-unavailable.ts';
import { PermanentJobError } from '../../src/jobs/job-errors.ts';
import { JobRunner, type JobContext, type JobHandler, type JobHandlers } from '../../src/jobs/job-runner.ts';
import { startCoreKiln, type CoreKiln } from '../support/core-kiln.ts';
import { waitFor } from '../support/kiln-process.ts';

// The job runner on a real store, with jobs queued by the image service: what each
// attempt does is scripted by the image's name, so each test says how the work goes and
// checks what the runner made of it (retries, failure reasons, leases, fencing).
const MAX_ATTEMPTS = 3;
let core: CoreKiln;
let p: Principal;
const runners: JobRunner[] = [];
/** Attempts each image's job got, in order, as the handler saw them. */
const attempts = new Map<string, number[]>();

/** What an attempt does, by the name of the image it works for. */
async function scripted(job: Job, ctx: JobContext): Promise<void> {
  const image = await core.kiln.store.images.get(job.imageId!);
  const seen = [...(attempts.get(job.imageId!) ?? []), job.attempts];
  attempts.set(job.imageId!, seen);
  switch (image?.name) {
    case 'flaky':
      if (seen.length === 1) throw new Error('the source hiccupped');
      break;
    case 'broken':
      throw new Error('the source is broken');
    case 'bad-input':
      throw new PermanentJobError('import failed: not a disk image');
    case 'unreachable-store':
      if (seen.length === 1) throw new StoreUnavailableError('blob', 'the blob store did not answer');
      break;
    case 'stepped':
      ctx.step('fetch');
      ctx.step('store');
      break;
  }
  await ctx.commit(async (tx) => {
    await tx.images.change(job.imageId!, { description: `committed by attempt ${job.attempts}` });
  });
}

const handler: JobHandler<JobKind> = {
  perform: scripted,
  fail: (job, reason, tx) => failImage(tx, job.imageId!, reason),
};
const kinds: JobKind[] = ['capture', 'import', 'materialize', 'release', 'reinstall', 'grow', 'copy', 'replicate'];

function startRunner(log: Logger = pino({ level: 'silent' })): JobRunner {
  const config = { ...core.kiln.config.jobs, maxAttempts: MAX_ATTEMPTS, leaseMs: 2_000, heartbeatMs: 200, pollMs: 50, unavailableRetryMs: 20 };
  const runner = new JobRunner(core.kiln.store, Object.fromEntries(kinds.map((k) => [k, handler])) as JobHandlers, config, core.kiln.config.nodeId, log);
  runners.push(runner);
  runner.start();
  return runner;
}

async function queue(name: string): Promise<string> {
  const image = await core.kiln.services.images.import(p, 'uhost', {
    region: 'cn-bj2',
    zone: 'cn-bj2-04',
    name,
    url: 'http://127.0.0.1:9/never-fetched.raw',
    format: 'raw',
    osType: 'Linux',
    osName: 'Linux',
  });
  return image.id;
}

async function jobOf(imageId: string): Promise<Job> {
  const job = await core.kiln.store.jobs.latestForImage(imageId);
  assert.ok(job, `image ${imageId} has a job`);
  return job;
}

async function ended(imageId: string): Promise<Job> {
  return waitFor(`the job of ${imageId} to end`, async () => {
    const job = await jobOf(imageId);
    return job.state === 'succeeded' || job.state === 'failed' ? job : undefined;
  });
}

before(async () => {
  core = await startCoreKiln('core-job-runner', { env: { KILN_IMPORT_ALLOW_HOSTS: '127.0.0.1:9' } });
  p = await core.account('runner-tests');
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

after(async () => {
  await core?.close();
});

test('a queued job is claimed and committed once', async () => {
  const id = await queue('ok');
  startRunner();
  const job = await ended(id);
  assert.equal(job.state, 'succeeded');
  assert.equal(job.attempts, 1);
  assert.deepEqual(attempts.get(id), [1]);
  assert.equal((await core.kiln.store.images.get(id))?.description, 'committed by attempt 1');
});

test("a job's success is logged with its wait to be claimed and the time of each of its steps", async () => {
  const lines: { msg?: string; jobId?: string; queuedMs?: unknown; steps?: Record<string, unknown> }[] = [];
  const id = await queue('stepped');
  startRunner(pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }));
  const job = await ended(id);
  assert.equal(job.state, 'succeeded');
  const line = lines.find((l) => l.msg === 'job succeeded' && l.jobId === job.id);
  assert.ok(line, 'a "job succeeded" line for the job');
  assert.equal(typeof line.queuedMs, 'number');
  // The handler's steps in order, then the runner's own: the rest of the work, the last progress write, the commit.
  assert.deepEqual(Object.keys(line.steps ?? {}), ['fetch', 'store', 'work', 'progress', 'commit']);
  for (const ms of Object.values(line.steps ?? {})) assert.equal(typeof ms, 'number');
});

test('an attempt that throws is retried, and the retry commits', async () => {
  const id = await queue('flaky');
  startRunner();
  const job = await ended(id);
  assert.equal(job.state, 'succeeded');
  assert.deepEqual(attempts.get(id), [1, 2]);
  assert.equal((await core.kiln.store.images.get(id))?.description, 'committed by attempt 2');
});

test('a job that keeps failing fails after the last attempt, and its image says why', async () => {
  const id = await queue('broken');
  startRunner();
  const job = await ended(id);
  assert.equal(job.state, 'failed');
  assert.deepEqual(attempts.get(id), [1, 2, 3]);
  assert.equal(job.error, `failed after ${MAX_ATTEMPTS} attempts: the source is broken`);
  const image = await core.kiln.store.images.get(id);
  assert.equal(image?.state, 'unavailable');
  assert.equal(image.failedReason, job.error);
});

test("a permanent failure is not retried: the image fails at once with the handler's reason", async () => {
  const id = await queue('bad-input');
  startRunner();
  const job = await ended(id);
  assert.equal(job.state, 'failed');
  assert.deepEqual(attempts.get(id), [1]);
  assert.equal(job.error, 'import failed: not a disk image');
  assert.equal((await core.kiln.store.images.get(id))?.failedReason, 'import failed: not a disk image');
});

test('a store out of reach requeues the job without counting the attempt', async () => {
  const id = await queue('unreachable-store');
  startRunner();
  const job = await ended(id);
  assert.equal(job.state, 'succeeded');
  // Both tries ran as attempt 1: the one that met the outage was given back uncounted.
  assert.deepEqual(attempts.get(id), [1, 1]);
});

test('a worker that died holding a job: the job is claimed again once its lease lapses, and the dead lease can commit nothing', async () => {
  const id = await queue('orphaned');
  // A worker claims the job and dies: no heartbeat ever renews its short lease.
  const dead = await core.kiln.store.jobs.claim('dead-worker', core.kiln.config.nodeId, 300, ['import']);
  assert.equal(dead?.id, (await jobOf(id)).id);
  assert.equal((await jobOf(id)).state, 'running');
  startRunner();
  const job = await ended(id);
  assert.equal(job.state, 'succeeded');
  assert.deepEqual(attempts.get(id), [2], 'the live worker ran the second attempt');
  // Fencing: the dead worker's lease no longer ends the job, so its commit would roll back.
  await assert.rejects(
    core.kiln.store.transaction((tx) => tx.jobs.finish(dead.lease, 'failed', 'late')),
    (e: unknown) => e instanceof LeaseLost,
  );
  assert.equal((await jobOf(id)).state, 'succeeded');
});

test('a job whose workers keep dying fails as interrupted instead of looping', async () => {
  const id = await queue('crash-loop');
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const claimed = await waitFor('the lapsed job to be claimable', () =>
      core.kiln.store.jobs.claim(`dying-worker-${i}`, core.kiln.config.nodeId, 100, ['import']),
    );
    assert.equal(claimed.imageId, id);
  }
  startRunner();
  const job = await ended(id);
  assert.equal(job.state, 'failed');
  assert.equal(attempts.get(id), undefined, 'the handler never ran');
  assert.equal(job.error, `interrupted ${MAX_ATTEMPTS} times without finishing`);
  assert.equal((await core.kiln.store.images.get(id))?.failedReason, job.error);
});
