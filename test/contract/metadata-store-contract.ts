import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { KilnError } from '../../src/core/errors.ts';
import { failImage } from '../../src/core/images/image-lifecycle.ts';
import { ImageService } from '../../src/core/images/image-service.ts';
import { ResourceIds } from '../../src/core/resource-ids.ts';
import { idSpellingsOf } from '../../src/dialects/id-spellings.ts';
import { dialects } from '../../src/dialects/registry.ts';
import { LeaseLost, type MetadataStore } from '../../src/core/ports/metadata-store.ts';
import type { Instance } from '../../src/core/model.ts';
import { chunkKey, imageFixture, withStore as storeFor, type OpenStore } from './fixtures.ts';

const key = chunkKey;
const image = imageFixture;

function instance(id: string, accountId = 'a'): Instance {
  const now = Date.now();
  return {
    id,
    product: 'uhost',
    accountId,
    projectId: 'p',
    region: 'r',
    zone: 'z',
    name: 'n',
    state: 'running',
    operation: null,
    nodeId: null,
    imageId: 'i',
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
}

/** A payload the import kind accepts; these tests exercise the queue, not the import. */
const importPayload = { url: 'http://files.test/disk.raw', format: 'raw' } as const;

const isCode = (code: string) => (e: unknown) => e instanceof KilnError && e.code === code;

/** What every MetadataStore implementation must do, whatever engine is behind it. */
export function metadataStoreContract(name: string, open: OpenStore): void {
  describe(`metadata store contract: ${name}`, () => {
    const withStore = (fn: (s: MetadataStore) => Promise<void>) => storeFor(open, fn);

    test(
      'a claimed job belongs to one worker until its lease lapses; the old holder can no longer finish it',
      withStore(async (s) => {
        await s.jobs.enqueue({ id: 'job-a', kind: 'import', payload: importPayload });
        const first = await s.jobs.claim('w1', 'node-1', 300);
        assert.equal(first?.id, 'job-a');
        assert.equal(first?.attempts, 1);
        assert.equal(await s.jobs.claim('w2', 'node-1', 300), undefined, 'a live lease is not stolen');
        assert.equal(await s.jobs.heartbeat(first!.lease, 300, { phase: { name: 'convert', index: 2, count: 2 }, done: 5, total: 10 }), true);
        await new Promise((r) => setTimeout(r, 450));
        const second = await s.jobs.claim('w2', 'node-2', 60_000);
        assert.equal(second?.id, 'job-a', 'a lapsed lease is claimed again');
        assert.equal(second?.attempts, 2);
        assert.equal(second?.progressDone, 5);
        assert.deepEqual(second?.progressPhase, { name: 'convert', index: 2, count: 2 }, 'the phase is kept with the counts');
        assert.notEqual(second?.lease.token, first?.lease.token);
        assert.equal(await s.jobs.heartbeat(first!.lease, 300), false, 'the old holder learns it lost the lease');
        await assert.rejects(s.jobs.finish(first!.lease, 'succeeded', null), LeaseLost);
        await s.jobs.finish(second!.lease, 'succeeded', null);
        assert.equal((await s.jobs.get('job-a'))?.state, 'succeeded');
      }),
    );

    test(
      'a commit in the same transaction as a lost lease is rolled back (fencing)',
      withStore(async (s) => {
        await s.images.insert(image('img-f'), { uniqueName: false });
        await s.jobs.enqueue({ id: 'job-f', kind: 'import', imageId: 'img-f', payload: importPayload });
        const stale = (await s.jobs.claim('w1', 'n', 200))!;
        await new Promise((r) => setTimeout(r, 350));
        const fresh = (await s.jobs.claim('w2', 'n', 60_000))!;
        const content = { virtualSize: 8, chunkSize: 4, chunks: [key(1), null], storedSize: 4 };
        await assert.rejects(
          s.transaction(async (tx) => {
            assert.equal(await tx.images.markAvailable('img-f', content), true);
            await tx.jobs.finish(stale.lease, 'succeeded', null);
          }),
          LeaseLost,
        );
        assert.equal((await s.images.get('img-f'))?.state, 'making', 'nothing of the stale commit is visible');
        assert.equal(await s.images.getManifest('img-f'), undefined);
        await s.transaction(async (tx) => {
          assert.equal(await tx.images.markAvailable('img-f', content), true);
          await tx.jobs.finish(fresh.lease, 'succeeded', null);
        });
        assert.equal((await s.images.get('img-f'))?.state, 'available');
        assert.deepEqual((await s.images.getManifest('img-f'))?.chunks, [key(1), null]);
      }),
    );

    test(
      'concurrent claims hand each job to exactly one worker',
      withStore(async (s) => {
        for (let i = 0; i < 10; i++) await s.jobs.enqueue({ id: `job-c${i}`, kind: 'import', payload: importPayload });
        const claimed = await Promise.all(Array.from({ length: 30 }, (_, i) => s.jobs.claim(`w${i}`, 'n', 60_000)));
        const ids = claimed.filter((j) => j !== undefined).map((j) => j.id);
        assert.equal(ids.length, 10);
        assert.equal(new Set(ids).size, 10);
      }),
    );

    test(
      'jobs routed to a node are claimed only by that node; unrouted jobs by any',
      withStore(async (s) => {
        await s.jobs.enqueue({ id: 'job-on-a', kind: 'capture', nodeId: 'node-a', payload: { disks: [{ diskId: 'disk-a', imageId: 'img-a' }] } });
        await s.jobs.enqueue({ id: 'job-any', kind: 'import', payload: importPayload });
        const byB = await s.jobs.claim('wb', 'node-b', 60_000);
        assert.equal(byB?.id, 'job-any');
        assert.equal(await s.jobs.claim('wb', 'node-b', 60_000), undefined, "node b never takes node a's job");
        assert.equal((await s.jobs.claim('wa', 'node-a', 60_000))?.id, 'job-on-a');
      }),
    );

    test(
      'a requeued job is claimable again, without its old token',
      withStore(async (s) => {
        await s.jobs.enqueue({ id: 'job-r', kind: 'import', payload: importPayload });
        const c = (await s.jobs.claim('w', 'n', 60_000))!;
        await s.jobs.requeue(c.lease, 'transient');
        assert.equal((await s.jobs.get('job-r'))?.state, 'queued');
        await assert.rejects(s.jobs.finish(c.lease, 'succeeded', null), LeaseLost);
        assert.equal((await s.jobs.claim('w', 'n', 60_000))?.id, 'job-r');
      }),
    );

    test(
      'a try that failed on an unreachable store is given back without counting it',
      withStore(async (s) => {
        await s.jobs.enqueue({ id: 'job-u', kind: 'import', payload: importPayload });
        const first = (await s.jobs.claim('w', 'n', 60_000))!;
        assert.equal(first.attempts, 1);
        await s.jobs.requeue(first.lease, 'blob store unreachable', { countAttempt: false });
        const second = (await s.jobs.claim('w', 'n', 60_000))!;
        assert.equal(second.attempts, 1, 'the outage did not use up an attempt');
        await s.jobs.requeue(second.lease, 'transient');
        assert.equal((await s.jobs.claim('w', 'n', 60_000))!.attempts, 2, 'an ordinary failure counts');
      }),
    );

    test(
      'claims take only the kinds asked for; a requeued job goes behind work queued since',
      withStore(async (s) => {
        await s.jobs.enqueue({ id: 'job-old', kind: 'import', payload: importPayload });
        await new Promise((r) => setTimeout(r, 5));
        await s.jobs.enqueue({ id: 'job-deploy', kind: 'materialize', payload: {} });
        assert.equal((await s.jobs.claim('w', 'n', 60_000, ['capture', 'release']))?.id, undefined, 'no job of those kinds');
        assert.equal(await s.jobs.claim('w', 'n', 60_000, []), undefined, 'no kinds, no job');
        const deploy = (await s.jobs.claim('w', 'n', 60_000, ['materialize', 'release', 'capture']))!;
        assert.equal(deploy.id, 'job-deploy', 'an instance lane never takes an import');
        const old = (await s.jobs.claim('w', 'n', 60_000, ['import']))!;
        assert.equal(old.id, 'job-old');
        await new Promise((r) => setTimeout(r, 5));
        await s.jobs.enqueue({ id: 'job-new', kind: 'import', payload: importPayload });
        await new Promise((r) => setTimeout(r, 5));
        await s.jobs.requeue(old.lease, 'transient');
        assert.equal((await s.jobs.claim('w', 'n', 60_000, ['import']))?.id, 'job-new', 'newer work first');
        const again = (await s.jobs.claim('w', 'n', 60_000))!;
        assert.equal(again.id, 'job-old');
        assert.equal(again.createdAt, old.createdAt, 'it keeps its creation time');
      }),
    );

    test(
      'a shared claim passes over an account at its limit and takes turns between accounts, oldest first within one',
      withStore(async (s) => {
        const lane = ['import', 'replicate'] as const;
        const share = { perAccount: 1 };
        for (let i = 0; i < 3; i++) {
          await s.jobs.enqueue({ id: `job-a${i}`, kind: 'import', accountId: 'acc-a', payload: importPayload });
          await new Promise((r) => setTimeout(r, 5));
        }
        await s.jobs.enqueue({ id: 'job-b0', kind: 'replicate', accountId: 'acc-b', payload: { imageId: 'img-b', region: 'r2' } });
        await new Promise((r) => setTimeout(r, 5));
        await s.jobs.enqueue({ id: 'job-sys', kind: 'import', payload: importPayload });
        const a0 = (await s.jobs.claim('w1', 'n', 60_000, lane, share))!;
        assert.equal(a0.id, 'job-a0', 'oldest first while nobody runs anything');
        assert.equal(a0.accountId, 'acc-a');
        assert.equal((await s.jobs.claim('w1', 'n', 60_000, lane, share))?.id, 'job-b0', 'acc-a is at its limit under w1');
        assert.equal((await s.jobs.claim('w1', 'n', 60_000, lane, share))?.id, 'job-sys', 'work without an account is never passed over');
        assert.equal(await s.jobs.claim('w1', 'n', 60_000, lane, share), undefined, "acc-a's other jobs wait for w1's");
        // The limit is per worker; the order counts every worker's running jobs.
        assert.equal((await s.jobs.claim('w2', 'n', 60_000, lane, share))?.id, 'job-a1');
        await s.jobs.enqueue({ id: 'job-b1', kind: 'import', accountId: 'acc-b', payload: importPayload });
        assert.equal((await s.jobs.claim('w3', 'n', 60_000, lane, { perAccount: 0 }))?.id, 'job-b1', 'acc-b runs 1, acc-a 2: acc-b goes first');
        assert.equal((await s.jobs.claim('w3', 'n', 60_000, lane, { perAccount: 0 }))?.id, 'job-a2', '0 sets no limit');
        await s.transaction((tx) => tx.jobs.finish(a0.lease, 'succeeded', null));
        await s.jobs.enqueue({ id: 'job-a3', kind: 'import', accountId: 'acc-a', payload: importPayload });
        assert.equal((await s.jobs.claim('w1', 'n', 60_000, lane, share))?.id, 'job-a3', "a finished job frees its account's turn");
        assert.equal(await s.jobs.claim('w1', 'n', 60_000, ['materialize'], share), undefined, 'other kinds are not counted or taken');
      }),
    );

    test(
      "cancelling an image's jobs ends them under their workers: no heartbeat, no commit, nothing pending",
      withStore(async (s) => {
        await s.images.insert(image('img-x'), { uniqueName: false });
        await s.jobs.enqueue({ id: 'job-x', kind: 'import', imageId: 'img-x', payload: importPayload });
        await new Promise((r) => setTimeout(r, 5));
        await s.jobs.enqueue({ id: 'job-other', kind: 'import', imageId: 'img-y', payload: importPayload });
        const running = (await s.jobs.claim('w', 'n', 60_000))!;
        assert.equal(running.id, 'job-x');
        await s.chunks.addPending('job-x', [key(40)]);
        const ended = await s.transaction(async (tx) => {
          const jobs = await tx.jobs.cancelForImage('img-x', 'cancelled: deleted');
          for (const j of jobs) await tx.chunks.clearPending(j.id);
          await tx.images.delete((await tx.images.get('img-x'))!);
          return jobs;
        });
        assert.deepEqual(
          ended.map((j) => j.id),
          ['job-x'],
        );
        const job = await s.jobs.get('job-x');
        assert.equal(job?.state, 'failed');
        assert.equal(job?.error, 'cancelled: deleted');
        assert.equal(await s.jobs.heartbeat(running.lease, 60_000), false, 'its worker learns at its next heartbeat');
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.images.markAvailable('img-x', { virtualSize: 4, chunkSize: 4, chunks: [key(40)], storedSize: 4 });
            await tx.jobs.finish(running.lease, 'succeeded', null);
          }),
          LeaseLost,
        );
        assert.equal(await s.images.getManifest('img-x'), undefined);
        assert.equal((await s.chunks.inUseAmong([key(40)])).size, 0, 'its pending chunks went with it');
        assert.equal((await s.jobs.get('job-other'))?.state, 'queued', "other images' jobs are untouched");
        assert.deepEqual(await s.jobs.cancelForImage('img-x', 'again'), [], 'a finished job is not cancelled twice');
      }),
    );

    test(
      'compute quotas: all or nothing, race-safe, named by the limit hit, released to zero at most',
      withStore(async (s) => {
        const limits = { instances: 5, disks: 8, diskBytes: 1000 };
        const one = { instances: 1, disks: 1, diskBytes: 100 };
        const results = await Promise.allSettled(Array.from({ length: 20 }, () => s.transaction((tx) => tx.quota.takeCompute('acc-c', one, limits))));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
        for (const r of results) if (r.status === 'rejected') assert.ok(isCode('InstanceQuotaExceeded')(r.reason), String(r.reason));
        assert.deepEqual(await s.quota.computeUsage('acc-c'), { instances: 5, disks: 5, diskBytes: 500 });
        await s.quota.releaseCompute('acc-c', { instances: 2, disks: 2, diskBytes: 200 });
        await assert.rejects(s.quota.takeCompute('acc-c', { instances: 1, disks: 6, diskBytes: 1 }, limits), isCode('DiskQuotaExceeded'));
        await assert.rejects(s.quota.takeCompute('acc-c', { instances: 1, disks: 1, diskBytes: 701 }, limits), isCode('DiskQuotaExceeded'));
        assert.deepEqual(await s.quota.computeUsage('acc-c'), { instances: 3, disks: 3, diskBytes: 300 }, 'a refused take takes nothing');
        await s.quota.releaseCompute('acc-c', { instances: 10, disks: 10, diskBytes: 10_000 });
        assert.deepEqual(await s.quota.computeUsage('acc-c'), { instances: 0, disks: 0, diskBytes: 0 });
        assert.deepEqual(await s.quota.computeUsage('acc-none'), { instances: 0, disks: 0, diskBytes: 0 });
      }),
    );

    test(
      'deleting an instance says whether it was there, so quota is given back once',
      withStore(async (s) => {
        await s.instances.insert(instance('ins-d'), []);
        const deleted = await Promise.all([s.transaction((tx) => tx.instances.delete('ins-d')), s.transaction((tx) => tx.instances.delete('ins-d'))]);
        assert.deepEqual(deleted.sort(), [false, true]);
      }),
    );

    test(
      'a transition changes the instance only from the expected state, with the fields it carries; disks change in place',
      withStore(async (s) => {
        await s.instances.insert({ ...instance('ins-t'), state: 'stopped' }, [
          { id: 'disk-b', instanceId: 'ins-t', index: 0, isBoot: true, type: 'CLOUD_SSD', sizeBytes: 1024, path: '/d/0', sourceImageId: 'img-old' },
        ]);
        const change = { state: 'reinstalling' as const };
        const results = await Promise.all([0, 1, 2].map(() => s.instances.transition('ins-t', { states: ['stopped'], operation: null }, change)));
        assert.deepEqual(results.sort(), [false, false, true], 'one of concurrent transitions wins');
        const moved = await s.transaction((tx) =>
          tx.instances.transition(
            'ins-t',
            { states: ['reinstalling'], operation: null },
            {
              state: 'running',
              imageId: 'img-new',
              osType: 'Windows',
              osName: 'W',
              name: 'renamed',
              cpu: 4,
              memoryMb: 4096,
              attributes: { loginMode: 'Password' },
            },
          ),
        );
        assert.equal(moved, true);
        const i = await s.instances.get('ins-t');
        assert.deepEqual(
          [i?.state, i?.imageId, i?.osType, i?.osName, i?.name, i?.cpu, i?.memoryMb, i?.attributes],
          ['running', 'img-new', 'Windows', 'W', 'renamed', 4, 4096, { loginMode: 'Password' }],
        );
        assert.equal(
          await s.instances.transition('ins-t', { states: ['running'], operation: 'resizing' }, { operation: null }),
          false,
          'the operation must match too',
        );
        await s.instances.updateDisk('disk-b', { path: '/d/0.new', sizeBytes: 3 * 1024 ** 3, sourceImageId: 'img-new' });
        const [d] = await s.instances.disks('ins-t');
        assert.deepEqual([d?.path, d?.sizeBytes, d?.sourceImageId], ['/d/0.new', 3 * 1024 ** 3, 'img-new']);
        await s.instances.updateDisk('disk-b', { sourceImageId: null });
        assert.equal((await s.instances.disks('ins-t'))[0]?.sourceImageId, null);
      }),
    );

    test(
      'signatures: a read repeats, a change is served once, another action only within the window; expired records are pruned',
      withStore(async (s) => {
        const use = (signature: string, action: string, changing: boolean, extra: { switchWindowMs?: number; ttlMs?: number } = {}) =>
          s.replays.use({ signature, action, changing, switchWindowMs: extra.switchWindowMs ?? 60_000, ttlMs: extra.ttlMs ?? 60_000 });
        const sig = 'a'.repeat(64);
        const first = await Promise.all(Array.from({ length: 10 }, () => use(sig, 'StopInstances', true)));
        assert.equal(first.filter((r) => r.verdict === 'accepted').length, 1, 'exactly one of concurrent uses wins');
        assert.ok(first.every((r) => r.verdict !== 'switched'));
        assert.equal((await use(sig, 'StopInstances', true)).verdict, 'replayed');
        for (let i = 0; i < 3; i++) assert.equal((await use(sig, 'DescribeInstances', false)).verdict, 'accepted', 'a read repeats');
        assert.equal((await use(sig, 'ReleaseInstances', true)).verdict, 'accepted', 'another change within the window');

        const read = 'c'.repeat(64);
        assert.equal((await use(read, 'DescribeInstances', false, { switchWindowMs: 100 })).verdict, 'accepted');
        await new Promise((r) => setTimeout(r, 250));
        assert.equal((await use(read, 'DescribeInstances', false, { switchWindowMs: 100 })).verdict, 'accepted', 'the same read, later');
        const late = await use(read, 'ReleaseInstances', true, { switchWindowMs: 100 });
        assert.equal(late.verdict, 'switched');
        assert.ok((late.firstSeenMsAgo ?? 0) >= 100, String(late.firstSeenMsAgo));
        assert.equal((await use(read, 'ReleaseInstances', true, { switchWindowMs: 100 })).verdict, 'switched', 'a refusal records nothing');
        assert.equal((await use(read, 'DescribeImages', false, { switchWindowMs: 100 })).verdict, 'switched', 'another read, later');

        assert.equal((await use('b'.repeat(64), 'DeleteImages', true, { ttlMs: 150 })).verdict, 'accepted');
        await new Promise((r) => setTimeout(r, 250));
        assert.equal((await use('b'.repeat(64), 'DeleteImages', true, { ttlMs: 150 })).verdict, 'accepted', 'an expired record is taken over');
        await new Promise((r) => setTimeout(r, 250));
        assert.equal(await s.replays.prune(), 1, 'only the expired record goes');
        assert.equal((await use(sig, 'StopInstances', true)).verdict, 'replayed');
      }),
    );

    test(
      'key pairs and tokens can be added and revoked',
      withStore(async (s) => {
        await s.accounts.create({
          id: 'acc-k',
          name: 'k',
          isAdmin: false,
          projectId: 'org-k',
          key: { publicKey: 'pub-1', accountId: 'acc-k', privateKeySealed: 'x' },
        });
        await s.accounts.addKey({ publicKey: 'pub-2', accountId: 'acc-k', privateKeySealed: 'y' });
        assert.equal((await s.accounts.key('pub-2'))?.accountId, 'acc-k');
        assert.equal(await s.accounts.deleteKey('pub-1'), true);
        assert.equal(await s.accounts.deleteKey('pub-1'), false);
        assert.equal(await s.accounts.key('pub-1'), undefined);
        assert.equal((await s.accounts.key('pub-2'))?.privateKeySealed, 'y', 'the other key still works');
        await s.tokens.insert('f'.repeat(64), 'acc-k');
        assert.equal(await s.tokens.delete('f'.repeat(64)), true);
        assert.equal(await s.tokens.accountOf('f'.repeat(64)), undefined);
        assert.equal(await s.tokens.delete('f'.repeat(64)), false);
      }),
    );

    test(
      'markAvailable and markFailed act only on an image still being made',
      withStore(async (s) => {
        await s.images.insert(image('img-m'), { uniqueName: false });
        assert.equal(await s.images.markFailed('img-m', 'why'), true);
        const got = await s.images.get('img-m');
        assert.equal(got?.state, 'unavailable');
        assert.equal(got?.failedReason, 'why');
        assert.equal(await s.images.markAvailable('img-m', { virtualSize: 4, chunkSize: 4, chunks: [key(2)], storedSize: 4 }), false);
        assert.equal(await s.images.getManifest('img-m'), undefined, 'a failed image gets no manifest');
        assert.equal((await s.chunks.inUseAmong([key(2)])).size, 0, 'and references nothing');
      }),
    );

    test(
      'unique names and quotas are decided by the store and come out as core errors',
      withStore(async (s) => {
        await s.images.insert(image('img-u1', { name: 'same' }), { uniqueName: true });
        await assert.rejects(
          s.images.insert(image('img-u2', { name: 'same' }), { uniqueName: true }),
          (e: unknown) => e instanceof KilnError && e.code === 'NameTaken',
        );
        const results = await Promise.allSettled(Array.from({ length: 20 }, () => s.transaction((tx) => tx.quota.take('acc-q', 'uhost', 5))));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
        for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof KilnError && r.reason.code === 'QuotaExceeded');
      }),
    );

    test(
      'concurrent attribute changes of different keys all survive',
      withStore(async (s) => {
        await s.images.insert(image('img-attr'), { uniqueName: false });
        await Promise.all(Array.from({ length: 20 }, (_, i) => s.images.change('img-attr', { attributes: { [`k${i}`]: i } })));
        const attrs = (await s.images.get('img-attr'))!.attributes;
        for (let i = 0; i < 20; i++) assert.equal(attrs[`k${i}`], i);
      }),
    );

    test(
      'chunk references: committed manifests and pending uses keep chunks; copies and deletes move them',
      withStore(async (s) => {
        await s.images.insert(image('img-c1'), { uniqueName: false });
        await s.chunks.addPending('job-x', [key(10), key(11)]);
        assert.deepEqual([...(await s.chunks.inUseAmong([key(10), key(11), key(12)]))].sort(), [key(10), key(11)]);
        await s.transaction(async (tx) => {
          await tx.images.markAvailable('img-c1', { virtualSize: 12, chunkSize: 4, chunks: [key(10), null, key(11)], storedSize: 8 });
          await tx.chunks.clearPending('job-x');
        });
        assert.equal((await s.chunks.inUseAmong([key(10), key(11)])).size, 2, 'referenced once committed');
        await s.images.insert(image('img-c2'), { uniqueName: false });
        assert.equal(await s.images.copyManifest('img-c1', 'img-c2'), true);
        await s.images.delete((await s.images.get('img-c1'))!);
        assert.equal((await s.chunks.inUseAmong([key(10), key(11)])).size, 2, 'the copy still references them');
        await s.images.delete((await s.images.get('img-c2'))!);
        assert.equal((await s.chunks.inUseAmong([key(10), key(11)])).size, 0);
        assert.equal(await s.images.copyManifest('img-c1', 'img-c3'), false, 'a deleted source cannot be copied');
      }),
    );

    test(
      "an image hold keeps the image's chunks through its delete, until the holder's pending uses are cleared",
      withStore(async (s) => {
        await s.images.insert(image('img-h1'), { uniqueName: false });
        await s.images.markAvailable('img-h1', { virtualSize: 20, chunkSize: 4, chunks: [key(50), key(51), null, key(52), key(51)], storedSize: 16 });
        assert.equal(await s.chunks.holdImage('job-cap', 'img-h1'), true);
        assert.equal(await s.chunks.holdImage('job-cap', 'img-h1'), true, 'holding again is harmless');
        assert.equal(await s.chunks.holdImage('job-cap', 'img-nothing'), false, 'an image without a manifest cannot be held');
        await s.images.delete((await s.images.get('img-h1'))!);
        assert.deepEqual([...(await s.chunks.inUseAmong([key(50), key(51), key(52)]))].sort(), [key(50), key(51), key(52)], 'pending for the holder now');
        assert.equal(await s.chunks.confirmDoom(key(51)), false, 'the collector spares them');
        await s.chunks.clearPending('job-cap');
        assert.equal((await s.chunks.inUseAmong([key(50), key(51), key(52)])).size, 0);

        // A hold racing the delete: either it lost (false) or the chunks are kept.
        for (let i = 0; i < 5; i++) {
          const id = `img-race-${i}`;
          await s.images.insert(image(id), { uniqueName: false });
          await s.images.markAvailable(id, { virtualSize: 4, chunkSize: 4, chunks: [key(55)], storedSize: 4 });
          const [held] = await Promise.all([s.chunks.holdImage(`job-race-${i}`, id), s.images.get(id).then((img) => s.images.delete(img!))]);
          assert.equal((await s.chunks.inUseAmong([key(55)])).size, held ? 1 : 0, `round ${i}: held ${held}`);
          await s.chunks.clearPending(`job-race-${i}`);
        }

        await s.jobs.enqueue({ id: 'job-hold-done', kind: 'import', payload: importPayload });
        const job = (await s.jobs.claim('w', 'n', 60_000))!;
        await s.images.insert(image('img-h2'), { uniqueName: false });
        await s.images.markAvailable('img-h2', { virtualSize: 4, chunkSize: 4, chunks: [key(56)], storedSize: 4 });
        assert.equal(await s.chunks.holdImage(job.id, 'img-h2'), true);
        await s.jobs.finish(job.lease, 'failed', 'x');
        assert.equal(await s.chunks.prunePending({ olderThanMs: 3_600_000 }), 1, "an ended job's hold is pruned");
        await s.images.delete((await s.images.get('img-h2'))!);
        assert.equal((await s.chunks.inUseAmong([key(56)])).size, 0);
      }),
    );

    test(
      "a manifest inheriting from an image references exactly its own keys: the image's, less those it dropped, plus its new ones",
      withStore(async (s) => {
        await s.images.insert(image('img-b'), { uniqueName: false });
        await s.images.markAvailable('img-b', { virtualSize: 16, chunkSize: 4, chunks: [key(60), key(61), key(62), null], storedSize: 12 });
        await s.images.insert(image('img-k'), { uniqueName: false });
        await s.transaction(async (tx) => {
          const content = { virtualSize: 16, chunkSize: 4, chunks: [key(60), key(63), key(62), key(60)], storedSize: 16, inheritsFrom: 'img-b' };
          assert.equal(await tx.images.markAvailable('img-k', content), true);
        });
        assert.deepEqual((await s.images.getManifest('img-k'))?.chunks, [key(60), key(63), key(62), key(60)]);
        await s.images.delete((await s.images.get('img-b'))!);
        assert.deepEqual([...(await s.chunks.inUseAmong([key(60), key(61), key(62), key(63)]))].sort(), [key(60), key(62), key(63)]);
        await s.images.delete((await s.images.get('img-k'))!);
        assert.equal((await s.chunks.inUseAmong([key(60), key(61), key(62), key(63)])).size, 0);

        await s.images.insert(image('img-k2'), { uniqueName: false });
        await s.images.markAvailable('img-k2', { virtualSize: 8, chunkSize: 4, chunks: [key(64), key(65)], storedSize: 8, inheritsFrom: 'img-b' });
        assert.equal((await s.chunks.inUseAmong([key(64), key(65)])).size, 2, 'an image gone meanwhile: every key written');
      }),
    );

    test(
      'doomed chunks: announced only when unused, spared when a use appears, cleared after deletion',
      withStore(async (s) => {
        await s.chunks.addPending('job-y', [key(20)]);
        assert.deepEqual(await s.chunks.doom([key(20), key(21), key(22)]), [key(21), key(22)]);
        assert.deepEqual([...(await s.chunks.doomedAmong([key(20), key(21), key(22)]))].sort(), [key(21), key(22)]);
        await s.chunks.addPending('job-z', [key(21)]);
        assert.equal(await s.chunks.confirmDoom(key(21)), false, 'a pending use after the announcement spares it');
        assert.equal(await s.chunks.confirmDoom(key(22)), true);
        await s.chunks.clearDoom([key(22)]);
        assert.equal((await s.chunks.doomedAmong([key(21), key(22)])).size, 0);
        assert.deepEqual(await s.chunks.leftoverDoomed(10), []);
      }),
    );

    test(
      'pending uses of ended jobs are pruned; those of running jobs are kept',
      withStore(async (s) => {
        await s.jobs.enqueue({ id: 'job-done', kind: 'import', payload: importPayload });
        await s.jobs.enqueue({ id: 'job-live', kind: 'import', payload: importPayload });
        const a = (await s.jobs.claim('w', 'n', 60_000))!;
        await s.chunks.addPending(a.id, [key(30)]);
        await s.jobs.finish(a.lease, 'failed', 'x');
        await s.chunks.addPending('job-live', [key(31)]);
        await s.chunks.addPending('base:img', [key(32)]);
        assert.equal(await s.chunks.prunePending({ olderThanMs: 3_600_000 }), 1);
        assert.deepEqual([...(await s.chunks.inUseAmong([key(30), key(31), key(32)]))].sort(), [key(31), key(32)]);
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(await s.chunks.prunePending({ olderThanMs: 1 }), 1, 'stale pending uses of jobless owners expire');
      }),
    );

    test(
      "an upload's offset moves only by a part that starts where it stands, never past its length; it finishes once",
      withStore(async (s) => {
        const base = {
          accountId: 'a',
          projectId: 'org-1',
          product: 'uhost' as const,
          imageId: 'uimage-u1',
          format: 'raw' as const,
          checksum: `sha256:${'0'.repeat(64)}`,
        };
        const u = await s.uploads.insert({ ...base, id: 'upl-1', length: 10, offset: 0, state: 'receiving' }, 60_000);
        assert.equal(u.offset, 0);
        assert.ok(u.expiresAt > u.createdAt);
        assert.equal(await s.uploads.countReceiving('a'), 1);
        assert.equal(await s.uploads.appendParts('upl-1', [{ start: 0, length: 4, chunkKey: key(40) }], 60_000), true);
        assert.equal(
          await s.uploads.appendParts('upl-1', [{ start: 0, length: 4, chunkKey: key(41) }], 60_000),
          false,
          'a racing writer from the same offset loses',
        );
        assert.equal(await s.uploads.appendParts('upl-1', [{ start: 4, length: 7, chunkKey: null }], 60_000), false, 'nothing goes past the declared length');
        assert.equal(await s.uploads.markProcessing('upl-1'), false, 'not every byte is in');
        const rest = [
          { start: 4, length: 2, chunkKey: null },
          { start: 6, length: 4, chunkKey: key(42) },
        ];
        assert.equal(await s.uploads.appendParts('upl-1', rest, 60_000), true, 'several contiguous parts move the offset in one step');
        assert.deepEqual(await s.uploads.parts('upl-1'), [{ start: 0, length: 4, chunkKey: key(40) }, ...rest]);
        assert.equal((await s.uploads.forImage('uimage-u1'))?.offset, 10);
        assert.equal(await s.uploads.markProcessing('upl-1'), true);
        assert.equal(await s.uploads.markProcessing('upl-1'), false, 'only one request queues the import');
        assert.equal(await s.uploads.countReceiving('a'), 0);
        await s.uploads.delete('upl-1');
        assert.equal(await s.uploads.get('upl-1'), undefined);
        assert.deepEqual(await s.uploads.parts('upl-1'), []);
      }),
    );

    test(
      'uploads expire on the database clock; their pending parts outlive the jobless-owner prune while they live',
      withStore(async (s) => {
        const base = { accountId: 'a', projectId: 'org-1', product: 'uhost' as const, format: 'raw' as const, checksum: `sha256:${'0'.repeat(64)}` };
        await s.uploads.insert({ ...base, id: 'upl-old', imageId: 'uimage-old', length: 10, offset: 0, state: 'receiving' }, 1);
        await s.uploads.insert({ ...base, id: 'upl-new', imageId: 'uimage-new', length: 10, offset: 0, state: 'receiving' }, 3_600_000);
        await s.chunks.addPending('upl-new', [key(42)]);
        await new Promise((r) => setTimeout(r, 30));
        assert.deepEqual(
          (await s.uploads.expired(10)).map((u) => u.id),
          ['upl-old'],
        );
        assert.equal(await s.chunks.prunePending({ olderThanMs: 1 }), 0, "a live upload's parts stay pending");
        await s.uploads.delete('upl-new');
        assert.equal(await s.chunks.prunePending({ olderThanMs: 1 }), 1);
      }),
    );

    test(
      'catalogue versions move with every image write of that catalogue, and only then',
      withStore(async (s) => {
        const v = () => s.images.catalogueVersion('org-1', 'uhost', true);
        const seen = new Set<string>([await v()]);
        const moved = async (what: string) => {
          const now = await v();
          assert.ok(!seen.has(now), `${what} moves the version`);
          seen.add(now);
        };
        await s.images.insert(image('img-v'), { uniqueName: false });
        await moved('insert');
        await s.images.change('img-v', { description: 'x' });
        await moved('change');
        await s.images.markAvailable('img-v', { virtualSize: 4, chunkSize: 4, chunks: [key(40)], storedSize: 4 });
        await moved('markAvailable');
        await s.images.insert(image('img-v2'), { uniqueName: false });
        await moved('insert');
        await s.images.markFailed('img-v2', 'why');
        await moved('markFailed');
        await s.images.insert(image('img-base', { kind: 'base', product: null, accountId: null, projectId: null }), { uniqueName: false });
        await moved('a base image');
        const before = await v();
        await s.images.insert(image('img-other', { projectId: 'org-2' }), { uniqueName: false });
        assert.equal(await v(), before, "another project's write leaves this catalogue's version alone");
        await s.images.delete((await s.images.get('img-v'))!);
        await moved('delete');
      }),
    );

    test(
      'insertMany: images inserted in batches are counted, listed in order and move their catalogues, all or none',
      withStore(async (s) => {
        const version = (projectId: string) => s.images.catalogueVersion(projectId, 'uhost', false);
        const before = { own: await version('org-1'), other: await version('org-2') };
        // More than one batch of rows, spread over two zones and a second project.
        const many = Array.from({ length: 1203 }, (_, i) =>
          image(`img-many-${String(i).padStart(4, '0')}`, { zone: i % 3 === 0 ? 'z2' : 'z', ...(i % 100 === 7 ? { projectId: 'org-2' } : {}) }),
        );
        await s.images.insertMany(many, { uniqueName: true });
        const own = many.filter((i) => i.projectId === 'org-1');
        const q = { product: 'uhost' as const, projectId: 'org-1', kinds: ['custom' as const], offset: 0, limit: 5 };
        assert.equal(await s.images.count(q), own.length, 'the counters hold every inserted image');
        assert.equal(await s.images.count({ ...q, projectId: 'org-2' }), many.length - own.length);
        assert.equal(await s.images.count({ ...q, zone: 'z2' }), own.filter((i) => i.zone === 'z2').length, 'each place is counted');
        assert.deepEqual(
          (await s.images.list(q)).map((i) => i.id),
          own
            .slice(-5)
            .reverse()
            .map((i) => i.id),
          'newest first is the order they were given in',
        );
        assert.deepEqual(await s.images.get(many[42]!.id), many[42], 'rows read back as given');
        assert.notEqual(await version('org-1'), before.own, 'the catalogue version moved');
        assert.notEqual(await version('org-2'), before.other, "the other project's too");

        const afterFirst = await version('org-1');
        const clash = [image('img-many-new'), image('img-many-dup', { name: many[1]!.name })];
        await assert.rejects(s.images.insertMany(clash, { uniqueName: true }), isCode('NameTaken'));
        assert.equal(await s.images.get('img-many-new'), undefined, 'a failed insertMany leaves nothing behind');
        assert.equal(await s.images.count(q), own.length);
        assert.equal(await version('org-1'), afterFirst, 'nor a version move');
      }),
    );

    test(
      'a failed image gives its slot back once, also when its deletion races with the failure',
      withStore(async (s) => {
        const images = new ImageService({ store: s, config: loadConfig({}), ids: new ResourceIds(idSpellingsOf(dialects)) });
        const owner = { accountId: 'acc-q', projectId: 'org-q' };
        const slotsUsed = async () => {
          // A take that fills the limit exactly tells what is held; it is given back at once.
          for (let used = 0; used < 100; used++) {
            const ok = await s.quota.take('acc-q', 'uhost', used + 1).then(
              () => true,
              () => false,
            );
            if (ok) {
              await s.quota.release('acc-q', 'uhost');
              return used;
            }
          }
          throw new Error('more than 100 slots used');
        };
        const making = async (id: string) => {
          await s.transaction(async (tx) => {
            await tx.quota.take('acc-q', 'uhost', 100);
            await tx.images.insert(image(id, { ...owner, name: id }), { uniqueName: false });
          });
        };
        await making('img-q-kept');
        await making('img-q-failed');
        await s.transaction((tx) => failImage(tx, 'img-q-failed', 'import failed: HTTP 404 Not Found'));
        assert.equal((await s.images.get('img-q-failed'))?.state, 'unavailable', 'still listed, failed');
        assert.equal(await slotsUsed(), 1, 'the failure gave its slot back');
        await s.transaction((tx) => failImage(tx, 'img-q-failed', 'again'));
        assert.equal(await slotsUsed(), 1, 'failing an image already failed gives nothing');
        await images.terminate(owner, 'uhost', 'img-q-failed');
        assert.equal(await slotsUsed(), 1, 'deleting a failed image gives nothing back');
        for (let i = 0; i < 8; i++) {
          await making(`img-q-race-${i}`);
          await Promise.allSettled([s.transaction((tx) => failImage(tx, `img-q-race-${i}`, 'failed')), images.terminate(owner, 'uhost', `img-q-race-${i}`)]);
          assert.equal(await slotsUsed(), 1, `race ${i}: the slot came back once`);
        }
      }),
    );

    test(
      'named leases: one holder at a time, renewable, taken over after they lapse',
      withStore(async (s) => {
        assert.equal(await s.leases.acquire('gc', 'a', 300), true);
        assert.equal(await s.leases.acquire('gc', 'b', 300), false);
        assert.equal(await s.leases.acquire('gc', 'a', 300), true, 'the holder renews');
        assert.equal(await s.leases.held('gc'), true);
        await new Promise((r) => setTimeout(r, 400));
        assert.equal(await s.leases.held('gc'), false);
        assert.equal(await s.leases.acquire('gc', 'b', 300), true, 'a lapsed lease is taken over');
        await s.leases.release('gc', 'a');
        assert.equal(await s.leases.held('gc'), true, 'only the holder releases');
        await s.leases.release('gc', 'b');
        assert.equal(await s.leases.held('gc'), false);
      }),
    );

    test(
      'image shares: granted once, listed in grant order, gone with their image',
      withStore(async (s) => {
        for (const id of ['acc-s1', 'acc-s2']) {
          await s.accounts.create({
            id,
            name: id,
            isAdmin: false,
            projectId: `org-${id}`,
            key: { publicKey: `pk-${id}`, accountId: id, privateKeySealed: 'sealed' },
          });
        }
        const own = { product: 'compshare' as const, accountId: 'acc-s1', projectId: 'org-acc-s1', state: 'available' as const };
        await s.images.insert(image('img-s1', own), { uniqueName: false });
        await s.images.insert(image('img-s2', { ...own, zone: 'z2' }), { uniqueName: false });
        await s.shares.grant('img-s2', ['acc-s2']);
        await s.shares.grant('img-s1', ['acc-s2', 'acc-s2']);
        await s.shares.grant('img-s2', ['acc-s2']);
        const q = { accountId: 'acc-s2', product: 'compshare' as const, offset: 0, limit: 10 };
        assert.deepEqual(
          (await s.shares.listSharedWith(q)).map((i) => i.id),
          ['img-s2', 'img-s1'],
          'in grant order, each once',
        );
        assert.equal(await s.shares.countSharedWith(q), 2);
        assert.deepEqual(
          (await s.shares.listSharedWith({ ...q, zone: 'z2' })).map((i) => i.id),
          ['img-s2'],
        );
        assert.equal(await s.shares.countSharedWith({ ...q, product: 'uhost' }), 0);
        assert.deepEqual(await s.shares.accountsOf('img-s1'), ['acc-s2']);
        assert.equal(await s.shares.isSharedWith('img-s1', 'acc-s1'), false);
        await s.shares.revoke('img-s1', ['acc-s2']);
        assert.equal(await s.shares.isSharedWith('img-s1', 'acc-s2'), false);
        await s.images.delete((await s.images.get('img-s2'))!);
        assert.equal(await s.shares.countSharedWith(q), 0, 'a grant goes with its image');
        await assert.rejects(s.shares.grant('img-gone', ['acc-s2']), isCode('ImageNotFound'));
      }),
    );

    test(
      'nodes: the live node with the fewest instances gets the next one',
      withStore(async (s) => {
        assert.equal(await s.nodes.leastLoaded(10_000), undefined);
        await s.nodes.beat('node-a');
        await s.nodes.beat('node-b');
        const now = Date.now();
        await s.instances.insert(
          {
            id: 'ins-1',
            product: 'uhost',
            accountId: 'a',
            projectId: 'p',
            region: 'r',
            zone: 'z',
            name: 'n',
            state: 'running',
            operation: null,
            nodeId: 'node-a',
            imageId: 'i',
            cpu: 1,
            memoryMb: 1024,
            gpuType: null,
            gpuCount: 0,
            osType: 'Linux',
            osName: 'L',
            attributes: {},
            createdAt: now,
            updatedAt: now,
          },
          [],
        );
        assert.equal(await s.nodes.leastLoaded(10_000), 'node-b');
        assert.equal(await s.instances.bindNode('ins-1', 'node-b'), false, 'a placed instance stays on its node');
        const before = await s.now();
        assert.ok(Math.abs(before - Date.now()) < 60_000, 'the database clock is a real clock');
      }),
    );
  });
}
