import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMetadataStore } from '../../src/store/metadata/kysely-metadata-store.ts';
import { backendSuite } from '../support/backend-suite.ts';
import { createTestDatabase } from '../support/stacks.ts';
import { imageCopiesContract } from './image-copies-contract.ts';
import { metadataStoreContract, type OpenStore } from './metadata-store-contract.ts';

// Each engine runs in its own phase of `npm test`: SQLite with the embedded stack,
// PostgreSQL with pg-s3 (a missing server is a loud skip, and a failure in CI).
backendSuite('sqlite', 'SQLite metadata store', () => {
  const openSqlite: OpenStore = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-meta-'));
    const store = await openMetadataStore({ kind: 'sqlite', path: join(dir, 'kiln.sqlite') });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
  metadataStoreContract('sqlite', openSqlite);
  imageCopiesContract('sqlite', openSqlite);
});
backendSuite('postgres', 'PostgreSQL metadata store', () => {
  const openPostgres: OpenStore = async () => {
    const db = await createTestDatabase('metadata-store contract');
    const store = await openMetadataStore({ kind: 'postgres', url: db.url, poolMax: 20 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await db.drop();
      },
    };
  };
  metadataStoreContract('postgres', openPostgres);
  imageCopiesContract('postgres', openPostgres);
});
