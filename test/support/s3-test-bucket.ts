import { randomBytes } from 'node:crypto';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3BlobConfig } from '../../src/store/blob/s3-client.ts';
import { S3BlobStore } from '../../src/store/blob/s3-blob-store.ts';

/** A config for a bucket of its own, so runs and tests never see each other's chunks. */
export function s3TestConfig(endpoint: string, overrides: Partial<S3BlobConfig> = {}): S3BlobConfig {
  return {
    kind: 's3',
    bucket: `kiln-test-${randomBytes(6).toString('hex')}`,
    prefix: 'kiln/test',
    endpoint,
    region: process.env.AWS_REGION || 'us-east-1',
    forcePathStyle: true,
    maxConcurrency: 8,
    maxAttempts: 3,
    conditionalPut: true,
    // No outage window: a test of the SDK's own retries fails as soon as they run out.
    retryWindowMs: 0,
    ...overrides,
  };
}

/** Creates the bucket and opens a store on it; cleanup empties and removes the bucket. */
export async function openS3TestStore(cfg: S3BlobConfig): Promise<{ store: S3BlobStore; cleanup(): Promise<void> }> {
  const store = new S3BlobStore(cfg);
  await store.createBucketIfMissing();
  await store.checkAccess();
  return { store, cleanup: () => removeBucket(cfg) };
}

export function rawClient(cfg: S3BlobConfig): S3Client {
  return new S3Client({ endpoint: cfg.endpoint, region: cfg.region, forcePathStyle: cfg.forcePathStyle });
}

async function removeBucket(cfg: S3BlobConfig): Promise<void> {
  const client = rawClient(cfg);
  try {
    for (;;) {
      const res = await client.send(new ListObjectsV2Command({ Bucket: cfg.bucket }));
      const keys = (res.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length === 0) break;
      await client.send(new DeleteObjectsCommand({ Bucket: cfg.bucket, Delete: { Objects: keys } }));
    }
    await client.send(new DeleteBucketCommand({ Bucket: cfg.bucket }));
  } finally {
    client.destroy();
  }
}
