import { randomBytes } from 'node:crypto';
import { contentKeyOf } from '../../core/chunks/content-key.ts';
import type { BlobConfig } from '../../config/config.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import { openBlobStore } from '../../store/blob/open-blob-store.ts';
import { asCheckFailure, type CheckResult } from './check-result.ts';

const PERMISSIONS_FIX = {
  s3: 'let these credentials PutObject, GetObject, DeleteObject and ListBucket on the bucket (prefix included)',
  local: 'make KILN_DATA_DIR writable by the user kiln runs as',
};

/**
 * Opens the chunk store the way every process does (an S3 bucket is checked to be
 * reachable), then puts, reads back and deletes one chunk through the same store code
 * the jobs use, so "reachable" also means "these credentials may write and delete".
 * The chunk is random, so it is unreferenced only for the moment the round trip takes.
 */
export async function checkBlobs(cfg: BlobConfig): Promise<CheckResult[]> {
  let store: BlobStore;
  try {
    store = await openBlobStore(cfg, { fsync: false });
  } catch (e) {
    const known = asCheckFailure('chunk store', e);
    if (known) return [known];
    return [
      {
        name: 'chunk store',
        ok: false,
        detail: e instanceof Error ? e.message : String(e),
        fix: cfg.kind === 's3' ? 'check KILN_BLOB_URL and KILN_S3_ENDPOINT' : PERMISSIONS_FIX.local,
      },
    ];
  }
  try {
    const opened: CheckResult = { name: 'chunk store', ok: true, detail: `${store.location}: reachable` };
    return [opened, await roundTrip(store, cfg.kind)];
  } finally {
    await store.close();
  }
}

async function roundTrip(store: BlobStore, kind: BlobConfig['kind']): Promise<CheckResult> {
  const data = randomBytes(4096);
  const key = contentKeyOf(data);
  let step = 'put';
  try {
    await store.putIfAbsent(key, data);
    await store.sync([key]);
    step = 'get';
    const back = Buffer.alloc(data.length);
    const n = await store.readInto(key, back);
    if (n !== data.length || !back.equals(data)) {
      return {
        name: 'round trip',
        ok: false,
        detail: `${store.location}: chunk ${key} read back ${n} bytes that differ from the ${data.length} written`,
        fix: 'check the S3 store: it does not return what it stored',
      };
    }
    step = 'delete';
    await store.delete(key);
    if (await store.has(key))
      return { name: 'round trip', ok: false, detail: `${store.location}: chunk ${key} is still there after its delete`, fix: PERMISSIONS_FIX[kind] };
    return { name: 'round trip', ok: true, detail: `${store.location}: put, get and delete of a 4 KiB chunk` };
  } catch (e) {
    return {
      name: 'round trip',
      ok: false,
      detail: `${store.location}: ${step} failed: ${e instanceof Error ? e.message : String(e)}`,
      fix: PERMISSIONS_FIX[kind],
    };
  }
}
