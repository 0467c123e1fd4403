import { join } from 'node:path';
import type { EnvReader } from './env-reader.ts';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      url: string;
      poolMax: number;
      /**
       * Keep catalogue versions in memory from LISTEN/NOTIFY (default true). Off behind a
       * pooler in transaction mode, where a session's LISTEN and its next statement may
       * run on different server connections and the notices cannot be trusted.
       */
      catalogueNotices?: boolean;
    };

export type BlobConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      /** Key prefix inside the bucket, without leading or trailing slash ('' for none). */
      prefix: string;
      /** Endpoint of an S3-compatible store; undefined means AWS itself. */
      endpoint: string | undefined;
      region: string;
      forcePathStyle: boolean;
      /** Requests in flight at once, per process. */
      maxConcurrency: number;
      /** Tries per request, the first included, with backoff on 5xx and throttling. */
      maxAttempts: number;
      /**
       * Put-if-absent as one PUT with `If-None-Match: *` (AWS S3, MinIO, moto). Stores
       * that ignore the header need false: a HEAD, then an unconditional PUT.
       */
      conditionalPut: boolean;
      /**
       * How long one call keeps retrying while the store cannot be reached (no answer,
       * 5xx, throttling, the bucket gone) before it fails as unavailable.
       */
      retryWindowMs: number;
    };

/** KILN_DATABASE_URL: postgres://... (or postgresql://...); unset keeps the SQLite file. */
export function readDatabase(read: EnvReader, dataDir: string): DatabaseConfig {
  const url = read.raw('KILN_DATABASE_URL');
  const poolMax = read.int('KILN_DATABASE_POOL_MAX', 10, 1, 1000);
  const catalogueNotices = read.bool('KILN_DATABASE_NOTICES', true);
  if (url === undefined) return { kind: 'sqlite', path: join(dataDir, 'kiln.sqlite') };
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')) {
    read.problem('KILN_DATABASE_URL: must be a postgres://user:password@host:port/database URL');
    return { kind: 'sqlite', path: join(dataDir, 'kiln.sqlite') };
  }
  return { kind: 'postgres', url, poolMax, catalogueNotices };
}

/** KILN_BLOB_URL: s3://bucket[/prefix]; unset keeps chunks under dataDir/blobs. */
export function readBlobs(read: EnvReader, dataDir: string): BlobConfig {
  const url = read.raw('KILN_BLOB_URL');
  const endpoint = read.raw('KILN_S3_ENDPOINT');
  const region = read.str('KILN_S3_REGION', read.raw('AWS_REGION') ?? 'us-east-1');
  const forcePathStyle = read.bool('KILN_S3_FORCE_PATH_STYLE', endpoint !== undefined);
  const maxConcurrency = read.int('KILN_S3_MAX_CONCURRENCY', 16, 1, 1024);
  const maxAttempts = read.int('KILN_S3_MAX_ATTEMPTS', 5, 1, 20);
  const conditionalPut = read.bool('KILN_S3_CONDITIONAL_PUT', true);
  const retryWindowMs = read.int('KILN_S3_RETRY_WINDOW_MS', 60_000, 0, 3_600_000);
  if (url === undefined) return { kind: 'local', dir: join(dataDir, 'blobs') };
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) {
    read.problem('KILN_BLOB_URL: must be s3://bucket or s3://bucket/prefix');
    return { kind: 'local', dir: join(dataDir, 'blobs') };
  }
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) read.problem('KILN_S3_ENDPOINT: must be an http:// or https:// URL');
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { kind: 's3', bucket: m[1]!, prefix, endpoint, region, forcePathStyle, maxConcurrency, maxAttempts, conditionalPut, retryWindowMs };
}
