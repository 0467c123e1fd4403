import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { test } from 'node:test';
import { openBlobStore } from '../../src/store/blob/open-blob-store.ts';
import { backendSuite } from '../support/backend-suite.ts';
import { openS3TestStore, rawClient, s3TestConfig } from '../support/s3-test-bucket.ts';
import { testS3Endpoint } from '../support/stacks.ts';
import { blobStoreContract } from './blob-store-contract.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

// S3 belongs to the pg-s3 phase of `npm test`; the embedded phase runs the local contract.
backendSuite('s3', 'S3 blob store', () => {
  const endpoint = testS3Endpoint() ?? '';
  blobStoreContract(`S3 at ${endpoint}`, () => openS3TestStore(s3TestConfig(endpoint)));

  test('S3: objects are <prefix>/chunks/<key>, with no leading slash when the prefix is empty', async () => {
    for (const prefix of ['', 'a/b']) {
      const cfg = s3TestConfig(endpoint, { prefix });
      const { store, cleanup } = await openS3TestStore(cfg);
      const client = rawClient(cfg);
      try {
        const k = sha(`layout ${prefix}`);
        await store.putIfAbsent(k, Buffer.from('x'));
        const res = await client.send(new ListObjectsV2Command({ Bucket: cfg.bucket }));
        assert.deepEqual(
          res.Contents?.map((o) => o.Key),
          [prefix === '' ? `chunks/${k}` : `${prefix}/chunks/${k}`],
        );
        assert.equal(store.location, prefix === '' ? `s3://${cfg.bucket}/chunks` : `s3://${cfg.bucket}/${prefix}/chunks`);
      } finally {
        client.destroy();
        await store.close();
        await cleanup();
      }
    }
  });

  test('S3: list ignores objects under the prefix that are not chunk keys', async () => {
    const cfg = s3TestConfig(endpoint);
    const { store, cleanup } = await openS3TestStore(cfg);
    const client = rawClient(cfg);
    try {
      const k = sha('real');
      await store.putIfAbsent(k, Buffer.from('x'));
      for (const Key of [
        `${cfg.prefix}/chunks/README`,
        `${cfg.prefix}/chunks/${k}/nested`,
        `${cfg.prefix}/other/${sha('other')}`,
        `${cfg.prefix}/chunks/${'A'.repeat(64)}`,
      ]) {
        await client.send(new PutObjectCommand({ Bucket: cfg.bucket, Key, Body: 'stray' }));
      }
      const listed: string[] = [];
      for await (const page of store.list({ pageSize: 1 })) listed.push(...page);
      assert.deepEqual(listed, [k]);
    } finally {
      client.destroy();
      await store.close();
      await cleanup();
    }
  });

  test('S3: with KILN_S3_CONDITIONAL_PUT off, put-if-absent is HEAD then PUT', async () => {
    const cfg = s3TestConfig(endpoint, { conditionalPut: false });
    const { store, cleanup } = await openS3TestStore(cfg);
    try {
      const k = sha('fallback');
      assert.equal(await store.putIfAbsent(k, Buffer.from('fallback')), true);
      assert.equal(await store.putIfAbsent(k, Buffer.from('fallback')), false);
      const buf = Buffer.alloc(16);
      assert.equal(buf.subarray(0, await store.readInto(k, buf)).toString(), 'fallback');
    } finally {
      await store.close();
      await cleanup();
    }
  });

  test('S3: missingAmong names the acknowledged chunks the bucket no longer holds, and sync fails on them', async () => {
    const { store, cleanup } = await openS3TestStore(s3TestConfig(endpoint));
    try {
      const keys = ['kept', 'lost', 'also kept'].map((x) => sha(`missing ${x}`));
      for (const k of keys) await store.putIfAbsent(k, Buffer.from(k));
      assert.deepEqual(await store.missingAmong(keys), new Set());
      // What an S3-compatible server restarted without its data does to an acknowledged object.
      await store.delete(keys[1]!);
      assert.deepEqual(await store.missingAmong([...keys, keys[1]!]), new Set([keys[1]]));
      await assert.rejects(store.sync(keys), (e: Error) => e.name === 'ChunksLostError' && e.message.includes(keys[1]!));
    } finally {
      await store.close();
      await cleanup();
    }
  });

  test('S3: openBlobStore checks the bucket and names bucket and endpoint when it is missing', async () => {
    const cfg = s3TestConfig(endpoint);
    await assert.rejects(openBlobStore(cfg, { fsync: true }), (e: Error) => {
      assert.match(e.message, new RegExp(`"${cfg.bucket}"`));
      assert.ok(e.message.includes(endpoint), e.message);
      assert.match(e.message, /does not exist/);
      return true;
    });
    const { store, cleanup } = await openS3TestStore(cfg);
    await store.close();
    const opened = await openBlobStore(cfg, { fsync: true });
    assert.equal(opened.location, `s3://${cfg.bucket}/${cfg.prefix}/chunks`);
    await opened.close();
    await cleanup();
  });
});
