import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { ChunkWriter } from '../../../src/core/chunks/chunk-writer.ts';
import { ChunksLostError } from '../../../src/core/ports/blob-store.ts';
import { StoreUnavailableError } from '../../../src/core/ports/store-unavailable.ts';
import { S3BlobStore } from '../../../src/store/blob/s3-blob-store.ts';
import { openMetadataStore } from '../../../src/store/metadata/kysely-metadata-store.ts';
import { FakeS3 } from '../../support/fake-s3.ts';

// An S3 store restarting for a few seconds must not fail the calls made
// meanwhile, and a store that comes back without chunks it acknowledged must not get a
// manifest naming them. Loopback fake S3 (the outage is on cue), real SQLite file.
process.env.AWS_ACCESS_KEY_ID ||= 'test';
process.env.AWS_SECRET_ACCESS_KEY ||= 'test';

let fake: FakeS3;
let dir: string;
before(async () => {
  fake = await FakeS3.start();
  dir = await mkdtemp(join(tmpdir(), 'kiln-s3-outage-'));
});
after(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.objects.clear();
  fake.requests.length = 0;
  fake.downUntil = 0;
});

function store(retryWindowMs: number): S3BlobStore {
  return new S3BlobStore(fake.blobConfig({ maxAttempts: 2, retryWindowMs }));
}

const chunk = () => {
  const data = randomBytes(16 * 1024);
  return { data, key: createHash('sha256').update(data).digest('hex') };
};

test('a call made while the store is down for longer than the SDK retries lands once it is back', async () => {
  const s = store(30_000);
  try {
    const { data, key } = chunk();
    fake.downUntil = Date.now() + 2_500;
    assert.equal(await s.putIfAbsent(key, data), true);
    assert.ok(fake.objects.get(`/fake-bucket/chunks/${key}`)?.equals(data), 'the chunk is stored');
    assert.ok(fake.requests.length > 2, `the call went on past the SDK's own ${2} tries (${fake.requests.length} requests)`);
    assert.ok(s.outages() > 0, 'the store counts the outage it waited out');
    const back = Buffer.alloc(data.length);
    assert.equal(await s.readInto(key, back), data.length);
  } finally {
    await s.close();
  }
});

test('past the retry window the call fails as unavailable, naming the store and the cause', async () => {
  const s = store(300);
  try {
    const { data, key } = chunk();
    fake.downUntil = Date.now() + 60_000;
    await assert.rejects(s.putIfAbsent(key, data), (e: unknown) => {
      assert.ok(e instanceof StoreUnavailableError, String(e));
      assert.equal(e.store, 'blob');
      assert.match(e.message, /s3:\/\/fake-bucket\/chunks .*put [0-9a-f]{64} failed: unreachable for \d+ s .*503/);
      return true;
    });
  } finally {
    await s.close();
  }
});

test('refusals are not waited on: a 403 fails at once', async () => {
  const s = store(30_000);
  try {
    const { data, key } = chunk();
    fake.failures.push({ status: 403, code: 'AccessDenied' });
    await assert.rejects(s.putIfAbsent(key, data), (e: unknown) => !(e instanceof StoreUnavailableError) && /AccessDenied/.test(String(e)));
    assert.equal(s.outages(), 0);
  } finally {
    await s.close();
  }
});

test('a writer whose chunks vanished (the store restarted without its data) refuses to let them be committed', async () => {
  const meta = await openMetadataStore({ kind: 'sqlite', path: join(dir, 'kiln.sqlite') });
  const s = store(30_000);
  try {
    const before = chunk();
    const afterOutage = chunk();
    const writer = new ChunkWriter(meta, s, 'job-outage');
    await writer.putIfAbsent(before.key, before.data);
    // The store restarts without its data (what moto does), and the next write waits it out.
    fake.objects.clear();
    fake.downUntil = Date.now() + 1_500;
    await writer.putIfAbsent(afterOutage.key, afterOutage.data);
    await assert.rejects(
      writer.flush(),
      (e: unknown) => e instanceof ChunksLostError && /1 of 2 chunks are gone/.test(e.message) && e.message.includes(before.key),
    );

    // A restart between two requests, with none of ours failing, is caught the same way.
    const quiet = new ChunkWriter(meta, s, 'job-quiet');
    await quiet.putIfAbsent(afterOutage.key, afterOutage.data);
    fake.objects.clear();
    await assert.rejects(quiet.flush(), ChunksLostError);
    await quiet.putIfAbsent(afterOutage.key, afterOutage.data);
    await quiet.flush();
  } finally {
    await s.close();
    await meta.close();
  }
});
