/**
 * PostgreSQL's catalogue versions kept in memory from LISTEN/NOTIFY: two stores on one
 * database stand for two API processes. A version asked of one right after a commit
 * through the other is that commit's version, whether the answer came from the listener
 * or, while its connection is cut, from a read; and a cut listener comes back by itself.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { LISTENER_APPLICATION_NAME } from '../../src/store/metadata/catalogue-version-feed.ts';
import { openMetadataStore, type KyselyMetadataStore } from '../../src/store/metadata/kysely-metadata-store.ts';
import { imageFixture } from './fixtures.ts';
import { backendSuite } from '../support/backend-suite.ts';
import { createTestDatabase, type TestDatabase } from '../support/stacks.ts';

backendSuite('postgres', 'catalogue versions from LISTEN/NOTIFY', () => {
  let db: TestDatabase;
  let writer: KyselyMetadataStore;
  let reader: KyselyMetadataStore;
  let admin: pg.Client;

  before(async () => {
    db = await createTestDatabase('catalogue version feed');
    writer = await openMetadataStore({ kind: 'postgres', url: db.url, poolMax: 4 });
    reader = await openMetadataStore({ kind: 'postgres', url: db.url, poolMax: 4 });
    admin = new pg.Client({ connectionString: db.url });
    admin.on('error', () => undefined);
    await admin.connect();
  });

  after(async () => {
    await admin?.end();
    await writer?.close();
    await reader?.close();
    await db?.drop();
  });

  const version = (s: KyselyMetadataStore) => s.images.catalogueVersion('org-1', 'uhost', true);

  async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (await ok()) return;
      await version(reader); // a request is what brings a listener back
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`never ${what}`);
  }

  async function listenerPids(): Promise<number[]> {
    const r = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and application_name = $2', [
      db.name,
      LISTENER_APPLICATION_NAME,
    ]);
    return r.rows.map((x) => x.pid);
  }

  /** Writes through `writer` and asks `reader` at once, `rounds` times; each answer must be the commit's. */
  async function writeThenRead(rounds: number, tag: string): Promise<void> {
    await writer.images.insert(imageFixture(`img-${tag}`), { uniqueName: false });
    for (let i = 0; i < rounds; i++) {
      // A base image write moves the other half of the version too.
      if (i % 5 === 4)
        await writer.images.insert(imageFixture(`base-${tag}-${i}`, { kind: 'base', product: null, accountId: null, projectId: null }), { uniqueName: false });
      else await writer.images.change(`img-${tag}`, { description: `round ${i}` });
      // Asked before anything else touches either store: the notice may still be on its way.
      const answered = await version(reader);
      assert.equal(answered, await version(writer), `round ${i}: the other store answers the version just committed`);
    }
  }

  test('a version committed through one store is the one the other answers at once, every time', async () => {
    await version(reader);
    await until('listening', () => reader.versionFeed?.listening === true);
    await writeThenRead(60, 'a');
    assert.equal(reader.versionFeed?.listening, true, 'the answers came from the listener, not the fallback');
  });

  test('a cut listener falls back to reads, then listens again by itself', async () => {
    await until('listening', () => reader.versionFeed?.listening === true);
    const pids = await listenerPids();
    assert.ok(pids.length >= 1, 'the listeners show in pg_stat_activity');
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2', [
      db.name,
      LISTENER_APPLICATION_NAME,
    ]);
    await until('noticed the cut', () => reader.versionFeed?.listening === false);
    // While it is down every answer is read from the store: still the commit's.
    await writeThenRead(10, 'b');
    await until('listening again', () => reader.versionFeed?.listening === true);
    const now = await listenerPids();
    assert.ok(
      now.some((pid) => !pids.includes(pid)),
      'a new listener session',
    );
    await writeThenRead(20, 'c');
    assert.equal(reader.versionFeed?.listening, true);
  });
});
