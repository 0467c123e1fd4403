import type { Image, Job } from '../model.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import { fractionDone, type PhaseOf } from '../work-progress.ts';

/** An upload's bytes arriving: the first of its three phases (then verify, convert). */
const UploadPhase: PhaseOf = { name: 'upload', index: 1, count: 3 };

export interface ImageProgress {
  /** The image's state: progress can reach its total a moment before the image is committed. */
  state: Image['state'];
  /** The step the counts are of, for work done in steps (see WorkProgress). */
  phase: PhaseOf | null;
  done: number;
  /** null while unknown: before the job has counted anything, or a download of unannounced size. */
  total: number | null;
  /** Share of the whole job done, 0-1, phases included. */
  fraction: number;
  /** Seconds since the job started; 0 before it starts. */
  elapsedSeconds: number;
  /** Seconds left at the rate seen so far; null until there is a rate. */
  remainingSeconds: number | null;
  /** An available image's bytes over its job's whole time; null while it is made, or without a job that counted bytes. */
  averageBytesPerSecond: number | null;
}

/** Progress of the job making an image, from its recorded bytes and elapsed time. */
export async function progressOf(store: MetadataStore, image: Image): Promise<ImageProgress> {
  const id = image.id;
  const job = await store.jobs.latestForImage(id);
  const elapsedOf = (end: number) => (job?.startedAt ? Math.max(0, Math.round((end - job.startedAt) / 1000)) : 0);
  if (image.state === 'available') return finishedProgress(image, job);
  const making = image.state === 'making';
  const counted = job && job.startedAt !== null && (job.progressDone > 0 || job.progressTotal !== 0 || job.progressPhase !== null);
  // An image fed by an upload is in its first phase, receiving, until its import job counts.
  const upload = making && !counted ? await store.uploads.forImage(id) : undefined;
  if (upload) {
    const work = { phase: UploadPhase, done: upload.offset, total: upload.length };
    const elapsed = Math.max(0, (Date.now() - upload.createdAt) / 1000);
    const fraction = fractionDone(work);
    return {
      state: image.state,
      ...work,
      fraction,
      elapsedSeconds: Math.round(elapsed),
      remainingSeconds: fraction > 0 ? Math.ceil((elapsed * (1 - fraction)) / fraction) : null,
      averageBytesPerSecond: null,
    };
  }
  if (!job || !counted) {
    return {
      state: image.state,
      phase: null,
      done: 0,
      total: null,
      fraction: 0,
      elapsedSeconds: elapsedOf(Date.now()),
      remainingSeconds: making ? null : 0,
      averageBytesPerSecond: null,
    };
  }
  const work = { phase: job.progressPhase, done: job.progressDone, total: job.progressTotal };
  const fraction = fractionDone(work);
  // A failed image reports how far its job got, not completion.
  if (!making) return { state: image.state, ...work, fraction, elapsedSeconds: elapsedOf(job.updatedAt), remainingSeconds: 0, averageBytesPerSecond: null };
  const elapsed = (Date.now() - job.startedAt!) / 1000;
  // The time taken so far for the share done, stretched over what is left.
  const remaining = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : null;
  return {
    state: image.state,
    ...work,
    fraction,
    elapsedSeconds: Math.round(elapsed),
    remainingSeconds: remaining === null ? null : Math.ceil(remaining),
    averageBytesPerSecond: null,
  };
}

/**
 * An available image's progress is its real size, done: a waiter that polled only after
 * the job ended sees what was made and how fast, not a placeholder count. Imports and
 * captures count bytes (a capture those of every disk it read); other jobs on an image
 * (copies) count other things, so its virtual size stands in.
 */
function finishedProgress(image: Image, job: Job | undefined): ImageProgress {
  const bytesJob = job && (job.kind === 'import' || job.kind === 'capture') && job.startedAt !== null ? job : undefined;
  const total = bytesJob && bytesJob.progressTotal !== null && bytesJob.progressTotal > 0 ? bytesJob.progressTotal : image.virtualSize;
  const tookMs = job?.startedAt ? Math.max(1, job.updatedAt - job.startedAt) : 0;
  return {
    state: image.state,
    phase: bytesJob?.progressPhase ?? null,
    done: total,
    total,
    fraction: 1,
    elapsedSeconds: Math.round(tookMs / 1000),
    remainingSeconds: 0,
    averageBytesPerSecond: bytesJob ? Math.round((total * 1000) / tookMs) : null,
  };
}
