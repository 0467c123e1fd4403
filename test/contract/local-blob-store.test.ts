import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../src/store/blob/local-blob-store.ts';
import { currentStack } from '../support/stacks.ts';
import { blobStoreContract } from './blob-store-contract.ts';

// The local directory belongs to the embedded phase of `npm test`.
for (const fsync of currentStack() === 'embedded' ? [true, false] : []) {
  blobStoreContract(`local directory (fsync ${fsync ? 'on' : 'off'})`, async () => {
    const root = await mkdtemp(join(tmpdir(), 'kiln-blob-contract-'));
    const store = new LocalBlobStore(join(root, 'blobs'), fsync);
    await store.init();
    return { store, cleanup: () => rm(root, { recursive: true, force: true }) };
  });
}
