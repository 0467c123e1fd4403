import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { assertChunkKey, chunkKeyPattern } from '../../core/chunks/content-key.ts';
import { ChunksLostError, type BlobStore } from '../../core/ports/blob-store.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { ChunkNotFoundError } from './chunk-not-found.ts';
import { checkPageSize, defaultPageSize } from './pages.ts';
import { checkRange, tooLarge } from './read-range.ts';
import { checkBucketAccess, createBucketIfMissing, type BucketTarget } from './s3-bucket.ts';
import { makeS3Client, type S3BlobConfig } from './s3-client.ts';
import { describeS3Error, isConditionalConflict, isInvalidRange, isNotFound, isPreconditionFailed } from './s3-errors.ts';
import { S3OutageWindow } from './s3-outage.ts';
import { Semaphore } from './semaphore.ts';
import { StoreUnavailableError } from '../../core/ports/store-unavailable.ts';
import { BodyReadError, streamInto } from './stream-into.ts';

/**
 * Chunks as objects `<prefix>/chunks/<key>` in one bucket. Each chunk is one object,
 * written by one PUT (S3 PUTs are atomic: a reader sees no object or all of it).
 * At most maxConcurrency requests per store are in flight; the SDK client retries
 * transient failures (see s3-client.ts), and each call waits out an outage of up to
 * retryWindowMs (s3-outage.ts) before it fails with StoreUnavailableError.
 */
export class S3BlobStore implements BlobStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly slots: Semaphore;
  private readonly base: string;
  private readonly outage: S3OutageWindow;

  /** `client` replaces the one built from cfg (tests use it to widen the socket pool). */
  constructor(
    private readonly cfg: S3BlobConfig,
    opts: { client?: S3Client } = {},
  ) {
    this.base = cfg.prefix === '' ? 'chunks/' : `${cfg.prefix}/chunks/`;
    this.location = `s3://${cfg.bucket}/${this.base.slice(0, -1)}`;
    this.client = opts.client ?? makeS3Client(cfg);
    this.slots = new Semaphore(cfg.maxConcurrency);
    this.outage = new S3OutageWindow(cfg.retryWindowMs);
  }

  private objectKey(key: string): string {
    assertChunkKey(key);
    return this.base + key;
  }

  /** Where requests go, for error messages. */
  private get where(): string {
    return this.cfg.endpoint ?? `AWS S3 (${this.cfg.region})`;
  }

  async putIfAbsent(key: string, data: Buffer, length = data.length): Promise<boolean> {
    const Key = this.objectKey(key);
    if (length < 0 || length > data.length) throw new RangeError(`length ${length} is outside the ${data.length}-byte buffer`);
    const Body = data.subarray(0, length);
    if (!this.cfg.conditionalPut) {
      // KILN_S3_CONDITIONAL_PUT=false. AWS S3 (since August 2024) and moto 5.2 honour
      // If-None-Match: * on PUT; an S3-compatible store that predates it may reject the
      // header, or ignore it and upload every duplicate chunk again. For those: HEAD,
      // then an unconditional PUT.
      // Two writers may both PUT; the bytes are the same (content-addressed), so the
      // cost is a duplicate upload and both calls reporting the write.
      if (await this.has(key)) return false;
      try {
        await this.call(() => this.client.send(new PutObjectCommand({ Bucket: this.cfg.bucket, Key, Body, ContentLength: length })));
      } catch (e) {
        throw this.failure(`put ${key}`, e);
      }
      return true;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.call(() => this.client.send(new PutObjectCommand({ Bucket: this.cfg.bucket, Key, Body, ContentLength: length, IfNoneMatch: '*' })));
        return true;
      } catch (e) {
        // If a retried PUT's first try had landed, we see 412 here and report false:
        // the chunk is there either way, which is all callers rely on.
        if (isPreconditionFailed(e)) return false;
        // 409 ConditionalRequestConflict: another conditional PUT of this key is in
        // progress. The SDK does not retry 409; once the other PUT settles we get 412
        // (or write the chunk ourselves if it failed).
        if (!isConditionalConflict(e) || attempt + 1 >= this.cfg.maxAttempts) throw this.failure(`put ${key}`, e);
        await sleep(backoffDelay(attempt));
      }
    }
  }

  async readInto(key: string, buf: Buffer): Promise<number> {
    return this.get(key, undefined, buf, buf.length);
  }

  async readRange(key: string, offset: number, length: number, buf: Buffer): Promise<number> {
    checkRange(offset, length, buf);
    // A zero-length range cannot be asked for; the chunk must still exist.
    if (length === 0) {
      if (!(await this.has(key))) throw new ChunkNotFoundError(key, this.location);
      return 0;
    }
    return this.get(key, { offset, length }, buf, length);
  }

  /**
   * One GET streamed into `buf`. The semaphore slot is held until the body is consumed:
   * the connection is busy until then. The SDK retries until the response headers come
   * back; a body that fails halfway is retried here, with the same attempt budget.
   */
  private async get(key: string, range: { offset: number; length: number } | undefined, buf: Buffer, limit: number): Promise<number> {
    const Key = this.objectKey(key);
    const Range = range && `bytes=${range.offset}-${range.offset + range.length - 1}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.call(async () => {
          const res = await this.client.send(new GetObjectCommand({ Bucket: this.cfg.bucket, Key, Range }));
          const body = res.Body;
          if (!body) return 0;
          // In Node the SDK hands back the response stream itself (an IncomingMessage).
          if (!(body instanceof Readable)) throw new Error(`S3 GetObject returned a ${body.constructor.name} body, not a Node stream`);
          if (range && !res.ContentRange?.startsWith(`bytes ${range.offset}-`)) {
            // A store that ignored Range would hand us bytes from the wrong offset.
            body.destroy();
            throw new Error(`S3 answered ${Range} of ${key} with Content-Range ${JSON.stringify(res.ContentRange ?? null)}`);
          }
          if (!range && res.ContentLength !== undefined && res.ContentLength > limit) {
            body.destroy();
            throw tooLarge(key, res.ContentLength, buf);
          }
          return streamInto(body, buf, limit, (seen) =>
            range ? new Error(`S3 sent more than the ${limit} bytes asked for by ${Range} of ${key}`) : tooLarge(key, seen, buf),
          );
        });
      } catch (e) {
        if (e instanceof RangeError) throw e; // the chunk does not fit the caller's buffer
        if (isNotFound(e)) throw new ChunkNotFoundError(key, this.location);
        if (range && isInvalidRange(e)) return 0; // the range starts past the end
        if (!(e instanceof BodyReadError) || attempt + 1 >= this.cfg.maxAttempts) throw this.failure(`read ${key}`, e);
        await sleep(backoffDelay(attempt));
      }
    }
  }

  async has(key: string): Promise<boolean> {
    const Key = this.objectKey(key);
    try {
      await this.call(() => this.client.send(new HeadObjectCommand({ Bucket: this.cfg.bucket, Key })));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw this.failure(`head ${key}`, e);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      // S3 answers 204 for a missing key too.
      await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.cfg.bucket, Key })));
    } catch (e) {
      if (!isNotFound(e)) throw this.failure(`delete ${key}`, e);
    }
  }

  async *list(opts: { after?: string; pageSize?: number } = {}): AsyncIterable<string[]> {
    const pageSize = opts.pageSize ?? defaultPageSize;
    checkPageSize(pageSize);
    let token: string | undefined;
    do {
      // The slot covers the request only, never the caller's work on a page.
      const res = await this.call(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.cfg.bucket,
            Prefix: this.base,
            MaxKeys: Math.min(pageSize, 1000),
            ...(token !== undefined ? { ContinuationToken: token } : opts.after ? { StartAfter: this.base + opts.after } : {}),
          }),
        ),
      ).catch((e: unknown) => {
        throw this.failure('list', e);
      });
      // Anything else under the prefix (a stray upload, a nested path) is not a chunk.
      const page = (res.Contents ?? []).map((o) => (o.Key ?? '').slice(this.base.length)).filter((k) => chunkKeyPattern.test(k));
      if (page.length > 0) yield page;
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /**
   * A PUT is durable once S3 answers it, so nothing is flushed; instead every chunk is
   * checked to be there (one HEAD each, within the store's concurrency). S3 keeps what it
   * acknowledged, but an S3-compatible server restarted without its data (or failed over
   * to a replica that lags) may not, and a manifest must never name a chunk that is gone.
   * Checking every time rather than only after an outage this process saw: a store can
   * restart between two of our requests without any of them failing.
   */
  async sync(keys: string[]): Promise<void> {
    const missing = await this.missingAmong(keys);
    if (missing.size > 0) {
      throw new ChunksLostError(
        `${missing.size} of ${new Set(keys).size} chunks are gone from ${this.location} at ${this.where} (first: ${[...missing][0]}); writing them again`,
      );
    }
  }

  /** One HEAD per key (bounded by the store's request slots): PUTs are durable when answered, but the server may lose them. */
  async missingAmong(keys: Iterable<string>): Promise<Set<string>> {
    const unique = [...new Set(keys)];
    const present = await Promise.all(unique.map((k) => this.has(k)));
    return new Set(unique.filter((_, i) => !present[i]));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Fails with a message naming the bucket and endpoint unless the bucket is reachable with our credentials. */
  async checkAccess(): Promise<void> {
    await this.slots.run(() => checkBucketAccess(this.bucketTarget()));
  }

  /** Creates the bucket unless it exists: for tests and operator set-up, never on the serving path. */
  async createBucketIfMissing(): Promise<void> {
    await this.slots.run(() => createBucketIfMissing(this.bucketTarget()));
  }

  private bucketTarget(): BucketTarget {
    return { client: this.client, bucket: this.cfg.bucket, region: this.cfg.region, where: this.where };
  }

  /**
   * One request in a concurrency slot, retried through an outage (s3-outage.ts); the
   * slot is given back while waiting so that the pauses hold no connection.
   */
  private call<T>(fn: () => Promise<T>): Promise<T> {
    return this.outage.run(() => this.slots.run(fn));
  }

  /** How many calls found the store out of reach since it was opened (for tests and operators). */
  outages(): number {
    return this.outage.outages;
  }

  private failure(what: string, e: unknown): Error {
    if (e instanceof StoreUnavailableError)
      return new StoreUnavailableError('blob', `blob store ${this.location} at ${this.where}: ${what} failed: ${e.message}`, { cause: e.cause });
    return new Error(`blob store ${this.location} at ${this.where}: ${what} failed: ${describeS3Error(e)}`, { cause: e });
  }
}
