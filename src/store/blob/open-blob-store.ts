import type { BlobConfig } from '../../config/config.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import { LocalBlobStore } from './local-blob-store.ts';
import { S3BlobStore } from './s3-blob-store.ts';

/**
 * The one place that turns blob configuration into a store, ready to use: a local
 * directory is created (and its abandoned temp files removed); an S3 bucket is checked
 * to be reachable with our credentials, so a wrong endpoint or key fails at start with
 * a clear message instead of at the first chunk of the first job.
 */
export async function openBlobStore(cfg: BlobConfig, opts: { fsync: boolean }): Promise<BlobStore> {
  switch (cfg.kind) {
    case 'local': {
      const store = new LocalBlobStore(cfg.dir, opts.fsync);
      await store.init();
      return store;
    }
    case 's3': {
      // fsync has no meaning here: a PUT is durable when S3 answers it.
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
