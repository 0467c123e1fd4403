import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { KilnConfig } from '../config/config.ts';
import type { Job, JobKind } from '../core/model.ts';
import type { JobRepo } from '../store/metadata/job-repo.ts';
import { PermanentJobError } from './job-errors.ts';

export interface JobContext {
  signal: AbortSignal;
  /** Records progress; persisted with the next heartbeat. */
  progress(done: number, total: number): void;
}

export interface JobHandler {
  run(job: Job, ctx: JobContext): Promise<void>;
  /** Called once when the job fails for good: mark what it was making as failed, with why. */
  fail(job: Job, reason: string): Promise<void>;
}

/**
 * Polls the jobs table and runs jobs with leases and heartbeats. Any number of runners
 * (in `kiln serve` or separate `kiln worker` processes) can share one table. The loop
 * never throws: errors are logged and the job retried or failed.
 */
export class JobRunner {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private running = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly active = new Map<string, AbortController>();
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly jobs: JobRepo,
    private readonly handlers: Record<JobKind, JobHandler>,
    private readonly config: KilnConfig['jobs'],
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const c of this.active.values()) c.abort(new Error('worker shutting down'));
    if (this.running > 0) await new Promise<void>((r) => this.idle.add(r));
  }

  /** Runs the next claim attempt after `delay` ms, replacing any attempt already scheduled. */
  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    try {
      while (!this.stopped && this.running < this.config.concurrency) {
        const job = await this.jobs.claim(this.owner, this.config.leaseMs);
        if (!job) break;
        this.running++;
        void this.execute(job).finally(() => {
          this.running--;
          if (this.running === 0) for (const r of this.idle) r();
          this.idle.clear();
          this.schedule(0);
        });
      }
    } catch (e) {
      this.log.error({ err: e }, 'job claim failed');
    }
    this.schedule(this.config.pollMs);
  }

  private async execute(job: Job): Promise<void> {
    const log = this.log.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const handler = this.handlers[job.kind];
    const controller = new AbortController();
    this.active.set(job.id, controller);
    let progress: { done: number; total: number } | undefined;
    const beat = setInterval(() => {
      this.jobs
        .heartbeat(job.id, this.owner, this.config.leaseMs, progress)
        .then((ok) => {
          if (!ok) controller.abort(new Error('job lease lost'));
        })
        .catch((e: unknown) => log.warn({ err: e }, 'heartbeat failed'));
    }, this.config.heartbeatMs);
    try {
      if (job.attempts > this.config.maxAttempts) {
        // Claimed again after its workers kept dying: stop the crash loop.
        throw new PermanentJobError(`interrupted ${job.attempts - 1} times without finishing`);
      }
      log.info('job started');
      await handler.run(job, {
        signal: controller.signal,
        progress: (done, total) => {
          progress = { done, total };
        },
      });
      await this.jobs.heartbeat(job.id, this.owner, this.config.leaseMs, progress);
      await this.jobs.finish(job.id, this.owner, 'succeeded', null);
      log.info('job succeeded');
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (controller.signal.aborted && this.stopped) {
        // Shutting down: leave the lease to lapse so another worker resumes the job.
        log.warn('job interrupted by shutdown');
      } else if (e instanceof PermanentJobError || job.attempts >= this.config.maxAttempts) {
        const reason = e instanceof PermanentJobError ? message : `failed after ${job.attempts} attempts: ${message}`;
        log.warn({ reason }, 'job failed');
        await handler.fail(job, reason).catch((err: unknown) => log.error({ err }, 'marking job failure failed'));
        await this.jobs.finish(job.id, this.owner, 'failed', reason).catch((err: unknown) => log.error({ err }, 'finishing job failed'));
      } else {
        log.warn({ err: e }, 'job attempt failed; will retry');
        await this.jobs.requeue(job.id, this.owner, message).catch((err: unknown) => log.error({ err }, 'requeue failed'));
      }
    } finally {
      clearInterval(beat);
      this.active.delete(job.id);
    }
  }
}
