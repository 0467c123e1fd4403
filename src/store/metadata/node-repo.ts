import { sql } from 'kysely';
import type { NodeRegistry } from '../../core/ports/metadata-store.ts';
import { dbNowMs, type Db, type Engine } from './engine.ts';

/** Compute nodes that run workers, by their last heartbeat on the database clock. */
export class KyselyNodeRegistry implements NodeRegistry {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async beat(nodeId: string): Promise<void> {
    const now = dbNowMs(this.engine);
    await this.db
      .insertInto('nodes')
      .values({ id: nodeId, last_seen_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ last_seen_at: now }))
      .execute();
  }

  async leastLoaded(liveWithinMs: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('nodes as n')
      .select('n.id')
      .where('n.last_seen_at', '>=', sql<number>`${dbNowMs(this.engine)} - ${liveWithinMs}`)
      .orderBy((eb) => eb.selectFrom('instances as i').select(eb.fn.countAll().as('c')).whereRef('i.node_id', '=', 'n.id'))
      .orderBy('n.id')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  async list(): Promise<{ id: string; lastSeenAt: number; agoMs: number; instances: number }[]> {
    const rows = await this.db
      .selectFrom('nodes as n')
      .select([
        'n.id',
        'n.last_seen_at',
        sql<number>`${dbNowMs(this.engine)} - n.last_seen_at`.as('ago'),
        (eb) => eb.selectFrom('instances as i').select(eb.fn.countAll().as('c')).whereRef('i.node_id', '=', 'n.id').as('instances'),
      ])
      .orderBy('n.id')
      .execute();
    return rows.map((r) => ({ id: r.id, lastSeenAt: Number(r.last_seen_at), agoMs: Math.max(0, Number(r.ago)), instances: Number(r.instances ?? 0) }));
  }
}
