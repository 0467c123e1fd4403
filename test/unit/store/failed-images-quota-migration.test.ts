/**
 * Migration 014 returns the custom-image slots of images that failed before failed images
 * stopped holding one; available and making images keep theirs.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Image } from '../../../src/core/model.ts';
import { migrate } from '../../../src/store/metadata/database.ts';
import { KyselyMetadataStore } from '../../../src/store/metadata/kysely-metadata-store.ts';
import type { Database } from '../../../src/store/metadata/schema.ts';

const now = Date.now();
const image = (id: string, accountId: string, state: Image['state'], kind: Image['kind'] = 'custom'): Image => ({
  id,
  product: 'uhost',
  accountId,
  projectId: `org-${accountId}`,
  region: 'r',
  zone: 'z',
  kind,
  name: id,
  description: '',
  osType: 'Linux',
  osName: 'Linux',
  state,
  failedReason: state === 'unavailable' ? 'failed' : null,
  virtualSize: 0,
  storedSize: 0,
  sourceInstanceId: null,
  parentImageId: null,
  visibility: 'private',
  attributes: {},
  createdAt: now,
  updatedAt: now,
});

test('migration 014 gives back the slots failed custom images held, never below zero', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-mig-'));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(join(dir, 'kiln.sqlite')) }) });
  try {
    await migrate(db, '013_image_place_counts');
    const store = new KyselyMetadataStore(db);
    const rows: [Image, boolean][] = [
      [image('a-ok', 'acc-a', 'available'), true],
      [image('a-making', 'acc-a', 'making'), true],
      [image('a-failed-1', 'acc-a', 'unavailable'), true],
      [image('a-failed-2', 'acc-a', 'unavailable'), true],
      [image('a-snap', 'acc-a', 'unavailable', 'snapshot'), false],
      [image('b-failed', 'acc-b', 'unavailable'), true],
    ];
    for (const [img, takesSlot] of rows) {
      await store.images.insert(img, { uniqueName: false });
      if (takesSlot) await store.quota.take(img.accountId!, 'uhost', 100);
    }
    // An account whose counter already lost a slot (the old floor at zero) stays at zero.
    await db.updateTable('account_image_quota').set({ used: 0 }).where('account_id', '=', 'acc-b').execute();

    assert.deepEqual(await migrate(db, '014_failed_images_free_quota'), ['014_failed_images_free_quota']);
    const used = Object.fromEntries(
      (await db.selectFrom('account_image_quota').select(['account_id', 'used']).execute()).map((r) => [r.account_id, Number(r.used)]),
    );
    assert.deepEqual(used, { 'acc-a': 2, 'acc-b': 0 });
  } finally {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});
