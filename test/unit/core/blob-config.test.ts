import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConfigError, loadConfig } from '../../../src/config/config.ts';

test('KILN_BLOB_URL=s3://... reads the S3 settings; conditional PUT is on unless switched off', () => {
  const base = { KILN_BLOB_URL: 's3://kiln-chunks/prod/eu', KILN_S3_ENDPOINT: 'http://127.0.0.1:9000', KILN_S3_MAX_CONCURRENCY: '4' };
  assert.deepEqual(loadConfig(base).blobs, {
    kind: 's3',
    bucket: 'kiln-chunks',
    prefix: 'prod/eu',
    endpoint: 'http://127.0.0.1:9000',
    region: 'us-east-1',
    forcePathStyle: true,
    maxConcurrency: 4,
    maxAttempts: 5,
    conditionalPut: true,
    retryWindowMs: 60_000,
  });
  assert.equal((loadConfig({ ...base, KILN_S3_RETRY_WINDOW_MS: '5000' }).blobs as { retryWindowMs: number }).retryWindowMs, 5000);
  assert.throws(
    () => loadConfig({ ...base, KILN_S3_RETRY_WINDOW_MS: '-1' }),
    (e: ConfigError) => e.problems.some((p) => p.startsWith('KILN_S3_RETRY_WINDOW_MS')),
  );
  const off = loadConfig({ ...base, KILN_S3_CONDITIONAL_PUT: 'false' }).blobs;
  assert.equal(off.kind === 's3' && off.conditionalPut, false);
  assert.throws(
    () => loadConfig({ ...base, KILN_S3_CONDITIONAL_PUT: 'maybe' }),
    (e: ConfigError) => e.problems.some((p) => p.startsWith('KILN_S3_CONDITIONAL_PUT')),
  );
});
