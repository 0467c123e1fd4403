import { sql } from 'kysely';
import type { ChunkReferences } from '../../core/ports/metadata-store.ts';
import { batches, dbNowMs, type Db, type Engine } from './engine.ts';
import { holdImage } from './image-holds.ts';

/** Keys per IN list: far below SQLite's and PostgreSQL's parameter limits. */
const IN_BATCH = 500;

/** Chunk references, pending uses and announced deletions (see ChunkReferences). */
export class KyselyChunkReferences implements ChunkReferences {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async addPending(owner: string, keys: string[]): Promise<void> {
    const now = dbNowMs(this.engine);
    for (const run of batches([...new Set(keys)], IN_BATCH)) {
      await this.db
        .insertInto('pending_chunks')
        .values(run.map((chunk_key) => ({ owner, chunk_key, created_at: now })))
        .onConflict((oc) => oc.columns(['owner', 'chunk_key']).doNothing())
        .execute();
    }
  }

  holdImage(owner: string, imageId: string): Promise<boolean> {
    return holdImage(this.db, this.engine, owner, imageId);
  }

  async clearPending(owner: string): Promise<void> {
    await this.db.deleteFrom('pending_chunks').where('owner', '=', owner).execute();
    await this.db.deleteFrom('image_holds').where('owner', '=', owner).execute();
  }

  async inUseAmong(keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const run of batches(keys, IN_BATCH)) {
      const rows = await this.db
        .selectFrom('image_chunks')
        .select('chunk_key')
        .where('chunk_key', 'in', run)
        .union(this.db.selectFrom('pending_chunks').select('chunk_key').where('chunk_key', 'in', run))
        .execute();
      for (const r of rows) out.add(r.chunk_key);
    }
    return out;
  }

  async doomedAmong(keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const run of batches(keys, IN_BATCH)) {
      const rows = await this.db.selectFrom('doomed_chunks').select('chunk_key').where('chunk_key', 'in', run).execute();
      for (const r of rows) out.add(r.chunk_key);
    }
    return out;
  }

  async doom(keys: string[]): Promise<string[]> {
    // Filtering here only saves work: confirmDoom, after this announcement is committed,
    // is the check that decides.
    const inUse = await this.inUseAmong(keys);
    const doomed = keys.filter((k) => !inUse.has(k));
    const now = dbNowMs(this.engine);
    for (const run of batches(doomed, IN_BATCH)) {
      await this.db
        .insertInto('doomed_chunks')
        .values(run.map((chunk_key) => ({ chunk_key, created_at: now })))
        .onConflict((oc) => oc.column('chunk_key').doNothing())
        .execute();
    }
    return doomed;
  }

  async confirmDoom(key: string): Promise<boolean> {
    const used = await this.db
      .selectFrom('image_chunks')
      .select(sql<number>`1`.as('one'))
      .where('chunk_key', '=', key)
      .unionAll(this.db.selectFrom('pending_chunks').select(sql<number>`1`.as('one')).where('chunk_key', '=', key))
      .executeTakeFirst();
    if (used === undefined) return true;
    await this.db.deleteFrom('doomed_chunks').where('chunk_key', '=', key).execute();
    return false;
  }

  async clearDoom(keys: string[]): Promise<void> {
    for (const run of batches(keys, IN_BATCH)) await this.db.deleteFrom('doomed_chunks').where('chunk_key', 'in', run).execute();
  }

  async leftoverDoomed(limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('doomed_chunks').select('chunk_key').orderBy('chunk_key').limit(limit).execute();
    return rows.map((r) => r.chunk_key);
  }

  async prunePending(jobless: { olderThanMs: number }): Promise<number> {
    let pruned = 0;
    // Holds go by the same rules as pending uses; only jobs take them, so the uploads
    // clause never matches a hold.
    for (const table of ['pending_chunks', 'image_holds'] as const) {
      const ended = await this.db
        .deleteFrom(table)
        .where('owner', 'in', (eb) => eb.selectFrom('jobs').select('id').where('state', 'in', ['succeeded', 'failed']))
        .executeTakeFirst();
      const stale = await this.db
        .deleteFrom(table)
        .where('owner', 'not in', (eb) => eb.selectFrom('jobs').select('id'))
        // An upload holds its staged parts for as long as it lives, however long the client
        // takes; its expiry (or its import's end) drops them.
        .where('owner', 'not in', (eb) => eb.selectFrom('uploads').select('id'))
        .where('created_at', '<', sql<number>`${dbNowMs(this.engine)} - ${jobless.olderThanMs}`)
        .executeTakeFirst();
      pruned += Number(ended.numDeletedRows) + Number(stale.numDeletedRows);
    }
    return pruned;
  }
}
