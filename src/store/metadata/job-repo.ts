import type { Transaction } from 'kysely';
import type { Job, JobKind } from '../../core/model.ts';
import type { Database, JobsTable } from './schema.ts';
import type { Db } from './database.ts';

type Exec = Db | Transaction<Database>;

function jobFromRow(r: JobsTable): Job {
  return {
    id: r.id,
    kind: r.kind as JobKind,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    state: r.state as Job['state'],
    attempts: r.attempts,
    imageId: r.image_id,
    instanceId: r.instance_id,
    progressDone: Number(r.progress_done),
    progressTotal: Number(r.progress_total),
    error: r.error,
    createdAt: Number(r.created_at),
    startedAt: r.started_at === null ? null : Number(r.started_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * Durable jobs with leases. A worker owns a job while its lease is fresh and renews it
 * with heartbeats; a job whose lease lapsed (its worker died) is claimable again.
 */
export class JobRepo {
  constructor(private readonly db: Db) {}

  async enqueue(j: { id: string; kind: JobKind; payload: Record<string, unknown>; imageId?: string; instanceId?: string }, exec: Exec = this.db): Promise<void> {
    const now = Date.now();
    await exec
      .insertInto('jobs')
      .values({
        id: j.id,
        kind: j.kind,
        payload: JSON.stringify(j.payload),
        state: 'queued',
        attempts: 0,
        image_id: j.imageId ?? null,
        instance_id: j.instanceId ?? null,
        lease_owner: null,
        lease_expires_at: null,
        progress_done: 0,
        progress_total: 0,
        error: null,
        created_at: now,
        started_at: null,
        updated_at: now,
      })
      .execute();
  }

  /** Claims the oldest runnable job for `owner`, or returns undefined. */
  async claim(owner: string, leaseMs: number): Promise<Job | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const now = Date.now();
      const candidate = await trx
        .selectFrom('jobs')
        .select(['id', 'lease_expires_at', 'state'])
        .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)])]))
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
      if (!candidate) return undefined;
      // The WHERE repeats the claim condition so two workers racing for one row cannot both win.
      const res = await trx
        .updateTable('jobs')
        .set((eb) => ({
          state: 'running',
          lease_owner: owner,
          lease_expires_at: now + leaseMs,
          attempts: eb('attempts', '+', 1),
          started_at: eb.fn.coalesce('started_at', eb.val(now)),
          updated_at: now,
        }))
        .where('id', '=', candidate.id)
        .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)])]))
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return undefined;
      const row = await trx.selectFrom('jobs').selectAll().where('id', '=', candidate.id).executeTakeFirstOrThrow();
      return jobFromRow(row);
    });
  }

  /** Renews the lease and records progress; false when the lease was lost. */
  async heartbeat(id: string, owner: string, leaseMs: number, progress?: { done: number; total: number }): Promise<boolean> {
    const now = Date.now();
    const res = await this.db
      .updateTable('jobs')
      .set({
        lease_expires_at: now + leaseMs,
        updated_at: now,
        ...(progress ? { progress_done: progress.done, progress_total: progress.total } : {}),
      })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async finish(id: string, owner: string, state: 'succeeded' | 'failed', error: string | null, exec: Exec = this.db): Promise<boolean> {
    const res = await exec
      .updateTable('jobs')
      .set({ state, error, lease_owner: null, lease_expires_at: null, updated_at: Date.now() })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Gives a job back to the queue after a transient failure. */
  async requeue(id: string, owner: string, error: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ state: 'queued', error, lease_owner: null, lease_expires_at: null, updated_at: Date.now() })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async get(id: string): Promise<Job | undefined> {
    const r = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? jobFromRow(r) : undefined;
  }

  async latestForImage(imageId: string): Promise<Job | undefined> {
    const r = await this.db.selectFrom('jobs').selectAll().where('image_id', '=', imageId).orderBy('created_at', 'desc').executeTakeFirst();
    return r ? jobFromRow(r) : undefined;
  }

  /**
   * Creation time of the oldest job not yet finished; chunks touched since then may be in
   * use. Creation, not start: a queued job's chunks may already exist from an earlier attempt.
   */
  async oldestActiveStart(): Promise<number | null> {
    const r = await this.db
      .selectFrom('jobs')
      .select('created_at')
      .where('state', 'in', ['queued', 'running'])
      .orderBy('created_at')
      .executeTakeFirst();
    if (!r) return null;
    return Number(r.created_at);
  }

  async countByState(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }
}
