import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { S3BlobStore } from '../../../src/store/blob/s3-blob-store.ts';
import type { S3BlobConfig } from '../../../src/store/blob/s3-client.ts';
import { FakeS3, type Failure } from '../../support/fake-s3.ts';

// How our S3 client retries, against a loopback fake that fails on cue. The fake does
// not check signatures; the SDK still needs credentials to sign.
process.env.AWS_ACCESS_KEY_ID ||= 'test';
process.env.AWS_SECRET_ACCESS_KEY ||= 'test';

let fake: FakeS3;
before(async () => (fake = await FakeS3.start()));
after(() => fake.close());
beforeEach(() => {
  fake.ignoreRange = false;
  fake.objects.clear();
  fake.requests.length = 0;
  fake.failures.length = 0;
});

function store(overrides: Partial<S3BlobConfig> = {}): S3BlobStore {
  // No outage window (the default here): a test of the SDK's own retries fails as soon as they run out.
  return new S3BlobStore(fake.blobConfig(overrides));
}

const chunk = () => {
  const data = randomBytes(64 * 1024);
  return { data, key: createHash('sha256').update(data).digest('hex') };
};
const objectPath = (key: string) => `/fake-bucket/chunks/${key}`;

async function putAfter(failures: Failure[]): Promise<void> {
  const s = store();
  try {
    const { data, key } = chunk();
    fake.failures.push(...failures);
    assert.equal(await s.putIfAbsent(key, data), true);
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    assert.equal(puts.length, failures.length + 1, 'one PUT per failure, then the one that lands');
    assert.ok(
      puts.every((r) => r.bodyBytes === data.length),
      'every retry sends the whole body again',
    );
    assert.ok(fake.objects.get(objectPath(key))?.equals(data));
  } finally {
    await s.close();
  }
}

test('a PUT is retried, body and all, after 500 and 503 answers', () =>
  putAfter([
    { status: 500, code: 'InternalError' },
    { status: 503, code: 'ServiceUnavailable' },
    { status: 502, code: 'BadGateway' },
  ]));

test('a PUT is retried after throttling (503 SlowDown, 429)', () =>
  putAfter([
    { status: 503, code: 'SlowDown' },
    { status: 429, code: 'TooManyRequests' },
  ]));

test('a PUT is retried after the connection drops', () => putAfter(['reset', 'reset']));

test('409 ConditionalRequestConflict is retried; the next answer decides', async () => {
  const s = store();
  try {
    const { data, key } = chunk();
    fake.failures.push({ status: 409, code: 'ConditionalRequestConflict' });
    assert.equal(await s.putIfAbsent(key, data), true);
    fake.failures.push({ status: 409, code: 'ConditionalRequestConflict' });
    assert.equal(await s.putIfAbsent(key, data), false, 'the other writer won: 412');
  } finally {
    await s.close();
  }
});

test('GETs are retried after 5xx, dropped connections and a body cut halfway', async () => {
  const s = store();
  try {
    const { data, key } = chunk();
    fake.objects.set(objectPath(key), data);
    const buf = Buffer.alloc(data.length);
    for (const failures of [[{ status: 500, code: 'InternalError' }, 'reset'], ['truncate'], ['truncate', { status: 503, code: 'SlowDown' }]] as Failure[][]) {
      fake.failures.push(...failures);
      fake.requests.length = 0;
      buf.fill(0);
      assert.equal(await s.readInto(key, buf), data.length);
      assert.ok(buf.equals(data));
      assert.equal(fake.requests.length, failures.length + 1, `one GET per failure, then the one that answers: ${JSON.stringify(failures)}`);
    }
    fake.failures.push('truncate');
    const part = Buffer.alloc(100);
    assert.equal(await s.readRange(key, 1000, 100, part), 100);
    assert.ok(part.equals(data.subarray(1000, 1100)));
  } finally {
    await s.close();
  }
});

test('after maxAttempts tries the error surfaces, naming the store and the cause', async () => {
  const s = store({ maxAttempts: 3 });
  try {
    const { data, key } = chunk();
    fake.failures.push(...Array.from({ length: 5 }, () => ({ status: 500, code: 'InternalError' })));
    await assert.rejects(s.putIfAbsent(key, data), (e: Error) => {
      assert.match(e.message, /s3:\/\/fake-bucket\/chunks/);
      assert.match(e.message, /InternalError/);
      assert.match(e.message, new RegExp(key));
      return true;
    });
    assert.equal(fake.requests.length, 3);
  } finally {
    await s.close();
  }
});

test('client errors are not retried', async () => {
  const s = store();
  try {
    const { data, key } = chunk();
    fake.failures.push({ status: 403, code: 'AccessDenied' });
    await assert.rejects(s.putIfAbsent(key, data), /AccessDenied/);
    assert.equal(fake.requests.length, 1);
  } finally {
    await s.close();
  }
});

test('checkAccess says which bucket at which endpoint, and why', async () => {
  const s = store();
  try {
    fake.failures.push({ status: 403, code: 'AccessDenied' });
    await assert.rejects(s.checkAccess(), /S3 bucket "fake-bucket" at http:\/\/127\.0\.0\.1:\d+: access denied/);
    await s.checkAccess();
  } finally {
    await s.close();
  }
  const down = store({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  try {
    await assert.rejects(down.checkAccess(), /S3 bucket "fake-bucket" at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
  } finally {
    await down.close();
  }
});

test('a store that ignores Range is refused, never read from the wrong offset', async () => {
  const s = store();
  try {
    const { data, key } = chunk();
    fake.objects.set(objectPath(key), data.subarray(0, 100));
    fake.ignoreRange = true;
    await assert.rejects(s.readRange(key, 10, 200, Buffer.alloc(200)), /Content-Range/);
  } finally {
    await s.close();
  }
});
