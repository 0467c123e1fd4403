import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { KilnConfig } from '../config/config.ts';
import { payloadProblem, readJob, type JobOf, type JobPayloads } from '../core/jobs/job-payloads.ts';
import type { Job, JobKind } from '../core/model.ts';
import { LeaseLost, type JobLease, type MetadataStore, type Repositories } from '../core/ports/metadata-store.ts';
import { StoreUnavailableError } from '../core/ports/store-unavailable.ts';
import { advance, type PhaseOf, type WorkProgress } from '../core/work-progress.ts';
import { PermanentJobError } from './job-errors.ts';
import { laneKinds, laneNames, type LaneName } from './lanes.ts';

export interface JobContext {
  signal: AbortSignal;
  /** The node this worker runs on. */
  nodeId: string;
  /**
   * Records progress (total null while unknown; `phase` for work done in steps);
   * persisted with the next heartbeat. Kept only moving forward (work-progress.ts).
   */
  progress(done: number, total: number | null, phase?: PhaseOf): void;
  /**
   * Says a step of the work ended now. The steps' times, with the wait before the job was
   * claimed and its commit, are in the job's "job succeeded" log line: where a job's time
   * went, from the log alone.
   */
  step(name: string): void;
  /**
   * Commits the job's result and marks the job succeeded in one transaction, only while
   * this worker still holds the job's lease: a worker whose lease lapsed (another may be
   * running the job) throws LeaseLost here and nothing it wrote is committed.
   */
  commit(fn: (tx: Repositories) => Promise<void>): Promise<void>;
}

/** A job being failed for good; its payload is undefined when the stored one could not be read. */
export type FailedJob<K extends JobKind> = Omit<JobOf<K>, 'payload'> & { payload: JobPayloads[K] | undefined };

export interface JobHandler<K extends JobKind> {
  /** Does the work and ends with ctx.commit(...). */
  perform(job: JobOf<K>, ctx: JobContext): Promise<void>;
  /**
   * Called in the transaction that marks the job failed for good: mark what it was
   * making as failed, with why.
   */
  fail(job: FailedJob<K>, reason: string, tx: Repositories): Promise<void>;
}

/** One handler per job kind, each typed by its kind's payload. */
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

/**
 * Polls the jobs table and runs jobs with leases and heartbeats. Any number of runners
 * (in `kiln serve` or separate `kiln worker` processes, on any host) can share one
 * table; each takes the jobs any node may run and those routed to its own node. Each
 * lane (lanes.ts) claims only its own kinds up to its own concurrency. The loop never
 * throws: errors are logged and the job retried or failed.
 */
export class JobRunner {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private running = 0;
  private readonly runningIn: Record<LaneName, number> = { instance: 0, import: 0 };
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly active = new Map<string, AbortController>();
  private readonly idle = new Set<() => void>();
  private nodeBeat: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private ticking = false;
  private again = false;
  private stopping = new AbortController();
  /** The pause before the next claim while the database is unreachable; 0 when it answers. */
  private claimBackoffMs = 0;

  constructor(
    private readonly store: MetadataStore,
    private readonly handlers: JobHandlers,
    private readonly config: KilnConfig['jobs'],
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.stopping = new AbortController();
    // The node's heartbeat is what places new instances here.
    const beat = () => void this.store.nodes.beat(this.nodeId).catch((err: unknown) => this.log.warn({ err }, 'node heartbeat failed'));
    beat();
    this.nodeBeat = setInterval(beat, this.config.heartbeatMs);
    this.nodeBeat.unref();
    // A job this process queues (an API call) starts now, not up to pollMs later.
    this.unsubscribe = this.store.onJobQueued(() => this.schedule(0));
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.nodeBeat) clearInterval(this.nodeBeat);
    for (const c of this.active.values()) c.abort(new Error('worker shutting down'));
    if (this.running > 0) await new Promise<void>((r) => this.idle.add(r));
  }

  /**
   * Runs the next claim attempt after `delay` ms, replacing any attempt already scheduled.
   * Asked for at once while a claim attempt runs, it makes that attempt go round again:
   * attempts never overlap, so two cannot both see a free slot in a lane and overfill it.
   */
  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.ticking && delay === 0) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    try {
      do {
        this.again = false;
        await this.claimWhileFree();
      } while (this.again && !this.stopped);
    } finally {
      this.ticking = false;
    }
    this.schedule(Math.max(this.config.pollMs, this.claimBackoffMs));
  }

  private async claimWhileFree(): Promise<void> {
    try {
      for (const lane of laneNames) {
        // Imports take their pace from their owner's URLs: accounts share the lane's workers.
        const share = lane === 'import' ? { perAccount: this.config.importsPerAccount } : undefined;
        while (!this.stopped && this.runningIn[lane] < this.config.lanes[lane]) {
          const job = await this.store.jobs.claim(this.owner, this.nodeId, this.config.leaseMs, laneKinds[lane], share);
          this.claimBackoffMs = 0;
          if (!job) break;
          this.running++;
          this.runningIn[lane]++;
          void this.execute(job).finally(() => {
            this.running--;
            this.runningIn[lane]--;
            if (this.running === 0) for (const r of this.idle) r();
            if (this.running === 0) this.idle.clear();
            this.schedule(0);
          });
        }
      }
    } catch (e) {
      if (!this.unreachable(e)) {
        this.log.error({ err: e }, 'job claim failed');
        return;
      }
      // Polling a database that is down every few milliseconds only fills the log.
      if (this.claimBackoffMs === 0) this.log.warn({ err: e }, 'database unreachable; claiming jobs again when it answers');
      this.claimBackoffMs = Math.min(5_000, Math.max(this.config.pollMs, this.claimBackoffMs * 2));
    }
  }

  private async execute<K extends JobKind>(job: Job & { kind: K; lease: JobLease }): Promise<void> {
    const log = this.log.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const handler: JobHandler<K> = this.handlers[job.kind];
    // Checked before anything acts on it: a row an older version (or a hand) wrote may
    // not fit this version's payload, and fails with why rather than crashing the handler.
    const typed = readJob(job);
    const controller = new AbortController();
    const { lease } = job;
    this.active.set(job.id, controller);
    // Seeded with what an earlier attempt recorded, so a retry starting over holds it.
    let progress: WorkProgress | undefined =
      job.progressDone > 0 || job.progressPhase ? { phase: job.progressPhase, done: job.progressDone, total: job.progressTotal } : undefined;
    const beat = setInterval(() => {
      this.store.jobs
        .heartbeat(lease, this.config.leaseMs, progress)
        .then((ok) => {
          if (!ok) controller.abort(new LeaseLost(job.id));
        })
        .catch((e: unknown) => log.warn({ err: e }, 'heartbeat failed'));
    }, this.config.heartbeatMs);
    let committed = false;
    const steps = new StepClock();
    const ctx: JobContext = {
      signal: controller.signal,
      nodeId: this.nodeId,
      progress: (done, total, phase) => {
        progress = advance(progress, { phase: phase ?? null, done, total });
      },
      step: (name) => steps.end(name),
      commit: async (fn) => {
        steps.end('work');
        if (progress) await this.store.jobs.heartbeat(lease, this.config.leaseMs, progress).catch(() => undefined);
        steps.end('progress');
        // The work is done; a database restarting now must not cost it. Tried again
        // while the lease may still be ours: finish() checks the lease in the same
        // transaction, so a commit that did land before the connection broke, or a
        // lease another worker took meanwhile, ends in LeaseLost, never a second commit.
        await this.whileReachable(log, 'commit', () =>
          this.store.transaction(async (tx) => {
            await fn(tx);
            await tx.chunks.clearPending(job.id);
            await tx.jobs.finish(lease, 'succeeded', null);
          }),
        );
        committed = true;
        steps.end('commit');
      },
    };
    try {
      if (job.attempts > this.config.maxAttempts) {
        // Claimed again after its workers kept dying: stop the crash loop.
        throw new PermanentJobError(`interrupted ${job.attempts - 1} times without finishing`);
      }
      if (typed === undefined)
        throw new PermanentJobError(`job ${job.id} cannot be run: ${payloadProblem(job.kind, job.payload) ?? 'its payload does not fit'}`);
      log.info('job started');
      await handler.perform(typed, ctx);
      if (!committed) throw new Error(`${job.kind} handler returned without committing`);
      // Queued (the row's time, this process's clock where it queued the job) until claimed.
      log.info({ queuedMs: Math.max(0, steps.startedAt - job.createdAt), steps: steps.took }, 'job succeeded');
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof LeaseLost || (controller.signal.aborted && controller.signal.reason instanceof LeaseLost)) {
        // Another worker owns the job now (or will), or it was cancelled (its image was
        // deleted): either way it must not be failed or requeued from here.
        log.warn('job lease lost (taken over or cancelled); leaving the job');
      } else if (controller.signal.aborted && this.stopped) {
        // Shutting down: leave the lease to lapse so another worker resumes the job.
        log.warn('job interrupted by shutdown');
      } else if (this.unreachable(e)) {
        // A store out of reach says nothing about the job: pause (the lease kept by the
        // heartbeat, so no other worker rushes into the same outage), then give it back
        // without counting the try. If the database is what is down, the requeue waits
        // for it; failing that the lease lapses and the job is claimed again anyway.
        const pauseMs = Math.round(this.config.unavailableRetryMs * (1 + Math.random()));
        log.warn({ err: e, pauseMs }, 'a store is unreachable; the job will be retried');
        await abortableSleep(pauseMs, this.stopping.signal);
        await this.whileReachable(log, 'requeue', () => this.store.jobs.requeue(lease, message, { countAttempt: false })).catch((err: unknown) =>
          log.error({ err }, 'requeue failed; the job is claimed again when its lease lapses'),
        );
      } else if (e instanceof PermanentJobError || job.attempts >= this.config.maxAttempts) {
        const reason = e instanceof PermanentJobError ? message : `failed after ${job.attempts} attempts: ${message}`;
        log.warn({ reason }, 'job failed');
        await this.whileReachable(log, 'recording the failure', () =>
          this.store.transaction(async (tx) => {
            await handler.fail({ ...job, payload: typed?.payload }, reason, tx);
            await tx.chunks.clearPending(job.id);
            await tx.jobs.finish(lease, 'failed', reason);
          }),
        ).catch((err: unknown) => log.error({ err }, 'recording the job failure failed; the job is claimed again when its lease lapses'));
      } else {
        log.warn({ err: e }, 'job attempt failed; will retry');
        await this.whileReachable(log, 'requeue', () => this.store.jobs.requeue(lease, message)).catch((err: unknown) => log.error({ err }, 'requeue failed'));
      }
    } finally {
      clearInterval(beat);
      this.active.delete(job.id);
    }
  }

  /** Whether `e`, or what it wraps, says a store was out of reach. */
  private unreachable(e: unknown): boolean {
    for (let err: unknown = e, depth = 0; err instanceof Error && depth < 5; err = err.cause, depth++) {
      if (err instanceof StoreUnavailableError || this.store.isUnavailable(err)) return true;
    }
    return false;
  }

  /**
   * Runs `fn`, again while the metadata store is unreachable, for at most one lease
   * period: past that the lease has lapsed and the job belongs to whoever claims it.
   */
  private async whileReachable<T>(log: Logger, what: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!this.store.isUnavailable(e) || Date.now() - started >= this.config.leaseMs || this.stopped) throw e;
        log.warn({ err: e, attempt }, `database unreachable during ${what}; trying again`);
        await abortableSleep(Math.min(2_000, 100 * 2 ** attempt), this.stopping.signal);
      }
    }
  }
}

/** Milliseconds each step of a job took, from the job's start here; a step's time runs from the end of the one before. */
class StepClock {
  readonly startedAt = Date.now();
  readonly took: Record<string, number> = {};
  private last = performance.now();

  end(name: string): void {
    const now = performance.now();
    this.took[name] = Math.round(((this.took[name] ?? 0) + now - this.last) * 10) / 10;
    this.last = now;
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
