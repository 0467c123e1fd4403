/**
 * SQLite's catalogue versions kept in memory between listings, checked by the
 * connection's change counters: two stores on one file stand for two processes. A version
 * asked right after a commit, through either store, is that commit's; a transaction of
 * the asking store itself is never seen before it commits, nor after it rolls back.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { openMetadataStore, type KyselyMetadataStore } from '../../src/store/metadata/kysely-metadata-store.ts';
import { imageFixture } from './fixtures.ts';
import { backendSuite } from '../support/backend-suite.ts';

backendSuite('sqlite', 'catalogue versions kept on SQLite', () => {
  let dir: string;
  let writer: KyselyMetadataStore;
  let reader: KyselyMetadataStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-versions-'));
    writer = await openMetadataStore({ kind: 'sqlite', path: join(dir, 'kiln.sqlite') });
    reader = await openMetadataStore({ kind: 'sqlite', path: join(dir, 'kiln.sqlite') });
  });

  after(async () => {
    await writer?.close();
    await reader?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const aTurnLater = () => new Promise((r) => setTimeout(r, 5));
  const version = (s: KyselyMetadataStore, projectId = 'org-1') => s.images.catalogueVersion(projectId, 'uhost', true);

  test('a commit through another connection is seen by the next ask, every time', async () => {
    const seen = new Set([await version(reader)]);
    for (let i = 0; i < 20; i++) {
      // Asked twice before the write, so the answer is one kept in memory.
      const before = await version(reader);
      assert.equal(await version(reader), before);
      await writer.images.insert(imageFixture(`img-other-${i}`), { uniqueName: false });
      const now = await version(reader);
      assert.equal(now, await version(writer), `round ${i}: the reader agrees with the writer`);
      assert.ok(!seen.has(now), `round ${i}: the version moved`);
      seen.add(now);
    }
  });

  test('a write by another process that touches only catalogue_versions is seen too', async () => {
    const before = await version(reader);
    assert.equal(await version(reader), before);
    const other = new SQLite(join(dir, 'kiln.sqlite'));
    try {
      other.pragma('busy_timeout = 5000');
      other.prepare('update catalogue_versions set version = version + 1 where scope = (select min(scope) from catalogue_versions)').run();
    } finally {
      other.close();
    }
    assert.notEqual(await version(reader), before);
  });

  test("the store's own writes are seen at once, its own catalogue and no other", async () => {
    const theirs = await version(reader, 'org-2');
    const before = await version(reader);
    await reader.images.insert(imageFixture('img-own'), { uniqueName: false });
    const after = await version(reader);
    assert.notEqual(after, before);
    assert.equal(after, await version(writer));
    assert.equal(await version(reader, 'org-2'), theirs, "another project's catalogue did not move");
  });

  test('asked while its own transaction is open: the answer is the committed one, never the uncommitted', async () => {
    const before = await version(reader);
    let asked: Promise<string> | undefined;
    await assert.rejects(
      reader.transaction(async (tx) => {
        await tx.images.insert(imageFixture('img-rolled-back'), { uniqueName: false });
        asked = version(reader);
        await aTurnLater(); // the ask is answered while the transaction is still open
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await asked, before, 'a rolled-back write was never seen');
    assert.equal(await version(reader), before, 'nor kept');

    await reader.transaction(async (tx) => {
      await tx.images.insert(imageFixture('img-committed'), { uniqueName: false });
      asked = version(reader);
      await aTurnLater();
    });
    const committed = await version(writer);
    assert.notEqual(committed, before);
    assert.equal(await asked, committed, 'asked during the transaction, answered with its commit');
    assert.equal(await version(reader), committed);
  });
});
