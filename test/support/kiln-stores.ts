import { loadConfig } from '../../src/config/config.ts';
import type { BlobStore } from '../../src/core/ports/blob-store.ts';
import type { MetadataStore } from '../../src/core/ports/metadata-store.ts';
import { openBlobStore } from '../../src/store/blob/open-blob-store.ts';
import { openMetadataStore } from '../../src/store/metadata/kysely-metadata-store.ts';

/**
 * The stores a `kiln` process with `env` uses, opened through the ports, so tests can
 * check what the service stored on either stack without knowing file layouts or tables.
 */
export async function openStoresOf(env: Record<string, string>): Promise<{ store: MetadataStore; blobs: BlobStore; close(): Promise<void> }> {
  const config = loadConfig({ ...process.env, ...env });
  const store = await openMetadataStore(config.database);
  const blobs = await openBlobStore(config.blobs, { fsync: false });
  return {
    store,
    blobs,
    async close() {
      await store.close();
      await blobs.close();
    },
  };
}

/** Every chunk key in the blob store. */
export async function allChunkKeys(blobs: BlobStore): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const page of blobs.list({ pageSize: 1000 })) for (const k of page) out.add(k);
  return out;
}
