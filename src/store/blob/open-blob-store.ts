import type { BlobConfig } from '../../config/config.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import { LocalBlobStore } from './local-blob-store.ts';

export async function openBlobStore(cfg: BlobConfig, opts: { fsync: boolean }): Promise<BlobStore> {
  if (cfg.kind !== 'local') throw new Error('S3 blob store not wired yet');
  const store = new LocalBlobStore(cfg.dir, opts.fsync);
  await store.init();
  return store;
}
