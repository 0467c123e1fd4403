import { randomBytes } from 'node:crypto';
import type { Job, JobKind, JobState } from '../../core/model.ts';
import { isProgressPhase, type WorkProgress } from '../../core/work-progress.ts';
import { LeaseLost, type ClaimShare, type JobLease, type JobQueue, type NewJob } from '../../core/ports/metadata-store.ts';
import type { InsertObject, SelectQueryBuilder } from 'kysely';
import type { Database, JobsTable } from './schema.ts';
import { dbNowMs, type Db, type Engine } from './engine.ts';

/**
 * A new queued job as its row. The payload is text already, so a test can store one no
 * job kind's type admits and see the claim refuse it.
 */
export function queuedJobRow(
  j: { id: string; kind: string; payloadText: string; imageId?: string | null; instanceId?: string | null; accountId?: string | null; nodeId?: string | null },
  /** The database's clock (dbNowMs): queue order must not depend on which host's clock wrote it. */
  queuedAt: ReturnType<typeof dbNowMs>,
): InsertObject<Database, 'jobs'> {
  const now = Date.now();
  return {
    id: j.id,
    kind: j.kind,
    payload: j.payloadText,
    state: 'queued',
    attempts: 0,
    image_id: j.imageId ?? null,
    instance_id: j.instanceId ?? null,
    account_id: j.accountId ?? null,
    node_id: j.nodeId ?? null,
    lease_owner: null,
    lease_token: null,
    lease_expires_at: null,
    progress_done: 0,
    progress_total: 0,
    progress_phase: null,
    progress_phase_index: 0,
    progress_phase_count: 0,
    error: null,
    created_at: now,
    queued_at: queuedAt,
    started_at: null,
    updated_at: now,
  };
}

export function jobFromRow(r: JobsTable): Job {
  return {
    id: r.id,
    kind: r.kind as JobKind,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    state: r.state as Job['state'],
    attempts: r.attempts,
    imageId: r.image_id,
    instanceId: r.instance_id,
    accountId: r.account_id,
    nodeId: r.node_id,
    leaseOwner: r.lease_owner,
    progressDone: Number(r.progress_done),
    progressTotal: Number(r.progress_total) < 0 ? null : Number(r.progress_total),
    progressPhase: isProgressPhase(r.progress_phase)
      ? { name: r.progress_phase, index: Number(r.progress_phase_index), count: Number(r.progress_phase_count) }
      : null,
    error: r.error,
    createdAt: Number(r.created_at),
    startedAt: r.started_at === null ? null : Number(r.started_at),
    updatedAt: Number(r.updated_at),
  };
}

function progressColumns(
  p: WorkProgress,
): Pick<JobsTable, 'progress_done' | 'progress_total' | 'progress_phase' | 'progress_phase_index' | 'progress_phase_count'> {
  return {
    progress_done: p.done,
    progress_total: p.total ?? -1,
    progress_phase: p.phase?.name ?? null,
    progress_phase_index: p.phase?.index ?? 0,
    progress_phase_count: p.phase?.count ?? 0,
  };
}

/** Runnable jobs of a lane that this node may run, before ordering. */
type ClaimableJobs = SelectQueryBuilder<Database & { q: JobsTable }, 'q', object>;

/**
 * Durable jobs with leases. A worker owns a job while its lease is live and renews it
 * with heartbeats; a job whose lease lapsed (its worker died) is claimable again, and the
 * new claim gets a new token, so the old worker can no longer commit (fencing). Lease
 * deadlines are on the database clock.
 */
export class KyselyJobQueue implements JobQueue {
  /** `enqueued` runs after each insert of a job (see KyselyMetadataStore.onJobQueued). */
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
    private readonly enqueued: () => void = () => undefined,
  ) {}

  async enqueue(j: NewJob): Promise<void> {
    await this.db
      .insertInto('jobs')
      .values(queuedJobRow({ ...j, payloadText: JSON.stringify(j.payload) }, dbNowMs(this.engine)))
      .execute();
    this.enqueued();
  }

  async claim(
    owner: string,
    nodeId: string,
    leaseMs: number,
    kinds?: readonly JobKind[],
    share?: ClaimShare,
  ): Promise<(Job & { lease: JobLease }) | undefined> {
    if (kinds !== undefined && kinds.length === 0) return undefined;
    const now = dbNowMs(this.engine);
    const token = randomBytes(12).toString('hex');
    const laneKinds = kinds === undefined ? undefined : [...kinds];
    let claimable = this.db
      .selectFrom('jobs as q')
      .where((eb) => eb.or([eb('q.state', '=', 'queued'), eb.and([eb('q.state', '=', 'running'), eb('q.lease_expires_at', '<', now)])]))
      .where((eb) => eb.or([eb('q.node_id', 'is', null), eb('q.node_id', '=', nodeId)]));
    if (laneKinds !== undefined) claimable = claimable.where('q.kind', 'in', laneKinds);
    // queued_at, not created_at: a requeued job waits behind work queued since.
    const next =
      share === undefined ? claimable.select('q.id').orderBy('q.queued_at').orderBy('q.id').limit(1) : this.sharedOrder(claimable, owner, laneKinds, share);
    // SKIP LOCKED lets many workers claim at once without queueing on the same row (OF q:
    // not the counts a shared claim joins); SQLite has one writer at a time, so the single
    // UPDATE is already exclusive.
    const candidate = this.engine === 'postgres' ? next.forUpdate(['q']).skipLocked() : next;
    const appNow = Date.now();
    const row = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'running',
        lease_owner: owner,
        lease_token: token,
        lease_expires_at: eb(now, '+', leaseMs),
        attempts: eb('attempts', '+', 1),
        started_at: eb.fn.coalesce('started_at', eb.val(appNow)),
        updated_at: appNow,
      }))
      .where('id', '=', candidate)
      // Repeated so that a row that stopped being claimable cannot be taken twice.
      .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)])]))
      .returningAll()
      .executeTakeFirst();
    return row ? { ...jobFromRow(row), lease: { jobId: row.id, token } } : undefined;
  }

  /**
   * The next job of a shared lane: accounts with fewer running jobs first, then queue
   * order, passing over accounts at their limit. The running jobs of each account are
   * counted once per claim (a join), not once per waiting job.
   */
  private sharedOrder(claimable: ClaimableJobs, owner: string, laneKinds: JobKind[] | undefined, share: ClaimShare) {
    let query = claimable
      .leftJoin(
        (eb) => {
          let running = eb
            .selectFrom('jobs as r')
            .select((r) => [
              'r.account_id',
              r.fn.countAll<number>().as('n'),
              r.fn.sum<number>(r.case().when('r.lease_owner', '=', owner).then(1).else(0).end()).as('mine'),
            ])
            .where('r.state', '=', 'running')
            .where('r.account_id', 'is not', null)
            .groupBy('r.account_id');
          if (laneKinds !== undefined) running = running.where('r.kind', 'in', laneKinds);
          return running.as('a');
        },
        (join) => join.onRef('a.account_id', '=', 'q.account_id'),
      )
      .select('q.id');
    // The limit counts this worker's jobs only: its claims never overlap, so none can
    // slip past it, and every process keeps workers for other accounts however many
    // processes share the table. Jobs without an account have no row in `a`.
    if (share.perAccount > 0) query = query.where((eb) => eb(eb.fn.coalesce('a.mine', eb.lit(0)), '<', share.perAccount));
    return query
      .orderBy((eb) => eb.fn.coalesce('a.n', eb.lit(0)))
      .orderBy('q.queued_at')
      .orderBy('q.id')
      .limit(1);
  }

  async heartbeat(lease: JobLease, leaseMs: number, progress?: WorkProgress): Promise<boolean> {
    const now = dbNowMs(this.engine);
    const res = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        lease_expires_at: eb(now, '+', leaseMs),
        updated_at: Date.now(),
        ...(progress ? progressColumns(progress) : {}),
      }))
      .where('id', '=', lease.jobId)
      .where('lease_token', '=', lease.token)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async finish(lease: JobLease, state: 'succeeded' | 'failed', error: string | null): Promise<void> {
    const res = await this.db
      .updateTable('jobs')
      .set({ state, error, lease_owner: null, lease_token: null, lease_expires_at: null, updated_at: Date.now() })
      .where('id', '=', lease.jobId)
      .where('lease_token', '=', lease.token)
      .where('state', '=', 'running')
      .where('lease_expires_at', '>=', dbNowMs(this.engine))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new LeaseLost(lease.jobId);
  }

  async requeue(lease: JobLease, error: string, opts: { countAttempt?: boolean } = {}): Promise<void> {
    const countAttempt = opts.countAttempt ?? true;
    await this.db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'queued',
        error,
        lease_owner: null,
        lease_token: null,
        lease_expires_at: null,
        queued_at: dbNowMs(this.engine),
        updated_at: Date.now(),
        // The claim counted this try; an outage gives it back.
        ...(countAttempt ? {} : { attempts: eb('attempts', '-', 1) }),
      }))
      .where('id', '=', lease.jobId)
      .where('lease_token', '=', lease.token)
      .execute();
  }

  async cancelForImage(imageId: string, reason: string): Promise<Job[]> {
    // One statement: a claim or a finish racing with it either happened before (and this
    // ends the job it claimed) or sees the job failed and its token gone.
    const rows = await this.db
      .updateTable('jobs')
      .set({ state: 'failed', error: reason, lease_owner: null, lease_token: null, lease_expires_at: null, updated_at: Date.now() })
      .where('image_id', '=', imageId)
      .where('state', 'in', ['queued', 'running'])
      .returningAll()
      .execute();
    return rows.map(jobFromRow);
  }

  async get(id: string): Promise<Job | undefined> {
    const r = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? jobFromRow(r) : undefined;
  }

  async latestForImage(imageId: string): Promise<Job | undefined> {
    const r = await this.db.selectFrom('jobs').selectAll().where('image_id', '=', imageId).orderBy('created_at', 'desc').executeTakeFirst();
    return r ? jobFromRow(r) : undefined;
  }

  async countByState(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  async recent(q: { kinds: readonly JobKind[]; states: readonly JobState[]; limit: number }): Promise<Job[]> {
    if (q.kinds.length === 0 || q.states.length === 0) return [];
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('kind', 'in', [...q.kinds])
      .where('state', 'in', [...q.states])
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(q.limit)
      .execute();
    return rows.map(jobFromRow);
  }
}
