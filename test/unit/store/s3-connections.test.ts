import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { S3BlobStore } from '../../../src/store/blob/s3-blob-store.ts';
import { makeS3Client, type S3BlobConfig } from '../../../src/store/blob/s3-client.ts';
import { FakeS3 } from '../../support/fake-s3.ts';

// What the S3 store does to the connection pool, seen from a loopback fake S3 that counts
// TCP connections and requests in progress.
process.env.AWS_ACCESS_KEY_ID ||= 'test';
process.env.AWS_SECRET_ACCESS_KEY ||= 'test';

let fake: FakeS3;
before(async () => (fake = await FakeS3.start()));
after(() => fake.close());
beforeEach(() => {
  fake.objects.clear();
  fake.requests.length = 0;
  fake.connections = 0;
  fake.maxInFlight = 0;
  fake.delayMs = 0;
});

function config(maxConcurrency: number): S3BlobConfig {
  return {
    kind: 's3',
    bucket: 'fake-bucket',
    prefix: 'p',
    endpoint: fake.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxConcurrency,
    maxAttempts: 3,
    conditionalPut: true,
    // No outage window: a test of the SDK's own retries fails as soon as they run out.
    retryWindowMs: 0,
  };
}

const store = (maxConcurrency: number) => new S3BlobStore(config(maxConcurrency));

const chunks = (n: number, size: number) =>
  Array.from({ length: n }, () => {
    const data = randomBytes(size);
    return { data, key: createHash('sha256').update(data).digest('hex') };
  });

test('at most maxConcurrency requests are in flight, however many calls are waiting', async () => {
  const s = store(3);
  try {
    fake.delayMs = 30;
    const cs = chunks(24, 256 * 1024);
    const results = await Promise.all(cs.map((c) => s.putIfAbsent(c.key, c.data)));
    assert.ok(results.every((r) => r));
    assert.equal(fake.maxInFlight, 3);
    fake.maxInFlight = 0;
    const bufs = cs.map((c) => Buffer.alloc(c.data.length));
    await Promise.all([...cs.map((c, i) => s.readInto(c.key, bufs[i]!)), ...cs.map((c) => s.has(c.key)), ...chunks(6, 1).map((c) => s.delete(c.key))]);
    assert.equal(fake.maxInFlight, 3, 'GETs hold their slot while their bodies stream');
    assert.ok(cs.every((c, i) => bufs[i]!.equals(c.data)));
  } finally {
    await s.close();
  }
});

test('the store itself bounds requests, not only the socket pool: a 64-socket client still sees 3 at once', async () => {
  const client = makeS3Client(config(64));
  const s = new S3BlobStore(config(3), { client });
  try {
    fake.delayMs = 30;
    const cs = chunks(24, 16 * 1024);
    await Promise.all(cs.map((c) => s.putIfAbsent(c.key, c.data)));
    assert.equal(fake.maxInFlight, 3);
    fake.maxInFlight = 0;
    await Promise.all([...cs.map((c) => s.has(c.key)), ...cs.map((c) => s.readRange(c.key, 100, 10, Buffer.alloc(10)))]);
    assert.equal(fake.maxInFlight, 3);
  } finally {
    await s.close();
  }
});

test('keep-alive: connections are reused, never more than maxConcurrency of them', async () => {
  const s = store(2);
  try {
    // 3 MiB: over the 2 MB at which the SDK would otherwise ask for 100-continue on a fresh connection.
    const cs = chunks(30, 3 * 1024 * 1024);
    for (const c of cs.slice(0, 10)) await s.putIfAbsent(c.key, c.data);
    assert.equal(fake.connections, 1, 'sequential requests share one connection');
    fake.delayMs = 5;
    await Promise.all(cs.slice(10).map((c) => s.putIfAbsent(c.key, c.data)));
    const buf = Buffer.alloc(3 * 1024 * 1024);
    for (const c of cs) await s.readInto(c.key, buf);
    assert.equal(fake.requests.length, 60);
    assert.ok(fake.connections <= 2, `${fake.connections} connections for 60 requests`);
  } finally {
    await s.close();
  }
});
