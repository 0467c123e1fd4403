import type { Job } from '../../core/model.ts';
import { fractionDone } from '../../core/work-progress.ts';
import { viewFormat } from '../shell/view-format.ts';

/** A job as the operator's queue and its live stream show it. */
export interface JobView {
  id: string;
  kind: string;
  state: string;
  /** Tries so far; above one the job was retried. */
  attempts: number;
  subject: string;
  fraction: number;
  /** Progress in words: the step, bytes done of total (or done so far when the total is unknown). */
  text: string;
  error: string | null;
  node: string;
  updatedAt: number;
}

export function jobView(job: Job): JobView {
  const progress = { phase: job.progressPhase, done: job.progressDone, total: job.progressTotal };
  const fraction = fractionDone(progress);
  const step = job.progressPhase ? `${job.progressPhase.name} (step ${job.progressPhase.index} of ${job.progressPhase.count}): ` : '';
  const counts =
    job.progressTotal !== null && job.progressTotal > 0
      ? `${viewFormat.bytes(job.progressDone)} of ${viewFormat.bytes(job.progressTotal)}`
      : `${viewFormat.bytes(job.progressDone)} so far`;
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    attempts: job.attempts,
    subject: job.imageId ?? job.instanceId ?? '',
    fraction,
    text: `${viewFormat.percent(fraction)} · ${step}${counts}`,
    error: job.error,
    node: job.nodeId ?? '',
    updatedAt: job.updatedAt,
  };
}
