import type { BlobConfig } from '../../config/config.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import { LocalBlobStore } from './local-blob-store.ts';

/**
 * The one place that turns blob configuration into a store, ready to use: a local
 * directory is created (and its abandoned temp files removed); an S3 bucket is checked
 * to be reachable with our credentials, so a wrong endpoint or key fails at start with
 * a clear message instead of at the first chunk of the first job.
 *
 * The S3 store is imported only when configured: the AWS SDK is hundreds of modules, and
 * every `kiln` command on the embedded stack would otherwise load them for nothing.
 */
export async function openBlobStore(cfg: BlobConfig, opts: { fsync: boolean; directWrites?: boolean }): Promise<BlobStore> {
  switch (cfg.kind) {
    case 'local': {
      // directWrites: false only for a bench's A/B (see LocalBlobStore's constructor).
      const store = new LocalBlobStore(cfg.dir, opts.fsync, { directWrites: opts.directWrites ?? true });
      await store.init();
      return store;
    }
    case 's3': {
      // fsync has no meaning here: a PUT is durable when S3 answers it.
      const { S3BlobStore } = await import('./s3-blob-store.ts');
      const store = new S3BlobStore(cfg);
      try {
        await store.checkAccess();
      } catch (e) {
        await store.close();
        throw e;
      }
      return store;
    }
  }
}

/**
 * `kiln bucket create`: makes the KILN_BLOB_URL bucket unless it exists (operator set-up,
 * never the serving path). Returns the store's location, or undefined for a local store,
 * which needs no set-up.
 */
export async function createConfiguredBucket(cfg: BlobConfig): Promise<string | undefined> {
  if (cfg.kind === 'local') return undefined;
  const { S3BlobStore } = await import('./s3-blob-store.ts');
  const store = new S3BlobStore(cfg);
  try {
    await store.createBucketIfMissing();
    return store.location;
  } finally {
    await store.close();
  }
}
