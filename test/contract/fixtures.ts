import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Image } from '../../src/core/model.ts';
import type { MetadataStore } from '../../src/core/ports/metadata-store.ts';
import { openMetadataStore } from '../../src/store/metadata/kysely-metadata-store.ts';
import { createTestDatabase } from '../support/stacks.ts';

/** Opens a fresh, empty store; cleanup closes it and removes what it was kept in. */
export type OpenStore = () => Promise<{ store: MetadataStore; cleanup(): Promise<void> }>;

/** A chunk key (64 hex digits) made from a number, so tests can name chunks 1, 2, 3. */
export const chunkKey = (n: number): string => n.toString(16).padStart(64, '0');

/** A custom image of account acc-1 in project org-1, being made; `over` changes any field. */
export function imageFixture(id: string, over: Partial<Image> = {}): Image {
  const now = Date.now();
  return {
    id,
    product: 'uhost',
    accountId: 'acc-1',
    projectId: 'org-1',
    region: 'r',
    zone: 'z',
    kind: 'custom',
    name: id,
    description: '',
    osType: 'Linux',
    osName: 'Linux',
    state: 'making',
    failedReason: null,
    virtualSize: 0,
    storedSize: 0,
    sourceInstanceId: null,
    parentImageId: null,
    visibility: 'private',
    attributes: {},
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

/** Wraps a test body: a fresh store for it, cleaned up however it ends. */
export function withStore(open: OpenStore, fn: (s: MetadataStore) => Promise<void>): () => Promise<void> {
  return async () => {
    const { store, cleanup } = await open();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };
}

/** A SQLite file in a temporary directory of its own. */
export const openSqliteStore: OpenStore = async () => {
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

/**
 * A database of its own on the PostgreSQL under test (KILN_TEST_PG_URL), copied from the
 * run's migrated template when there is one: each test here migrating an empty database
 * again made this the slowest file of the pg-s3 phase. Migrating an empty PostgreSQL
 * database is what makes the template (the real `kiln migrate`), and scale-setup checks it.
 */
export const openPostgresStore: OpenStore = async () => {
  const db = await createTestDatabase('metadata-store contract', { premigrated: true });
  const store = await openMetadataStore({ kind: 'postgres', url: db.url, poolMax: 20 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
};
