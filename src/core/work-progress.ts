/**
 * How far a job has got, as it is stored and shown. Work that happens in steps of
 * different kinds (an import from a server without ranges first downloads the whole
 * file, then converts it) reports each step as a phase with its own count, so no count
 * is ever a guess at the sum of steps not yet begun. A total is null while it cannot be
 * known (a download without Content-Length): shown as bytes and a rate, never as a
 * percentage of a made-up size. An upload is received (`upload`, before any job), then
 * its whole-file checksum checked (`verify`), then converted.
 */
export const ProgressPhases = ['download', 'convert', 'upload', 'verify'] as const;
export type ProgressPhase = (typeof ProgressPhases)[number];

export function isProgressPhase(s: string | null): s is ProgressPhase {
  return (ProgressPhases as readonly (string | null)[]).includes(s);
}

/** Which step of how many; absent for work done in one step. */
export interface PhaseOf {
  name: ProgressPhase;
  /** 1-based. */
  index: number;
  count: number;
}

export interface WorkProgress {
  phase: PhaseOf | null;
  done: number;
  total: number | null;
}

/**
 * The progress to keep when `next` is reported after `prev`: it only moves forward. A
 * later phase replaces an earlier one; within a phase the count never drops (a retried
 * job counting again from zero holds the figure it had reached until it passes it); an
 * earlier phase reported after a later one (a retry starting over) is held back.
 */
export function advance(prev: WorkProgress | undefined, next: WorkProgress): WorkProgress {
  if (!prev) return next;
  const prevIndex = prev.phase?.index ?? 0;
  const nextIndex = next.phase?.index ?? 0;
  if (nextIndex > prevIndex) return next;
  if (nextIndex < prevIndex) return prev;
  if (next.done >= prev.done) return next;
  return { ...next, done: prev.done, total: next.total ?? prev.total };
}

/**
 * The share of the whole job done, 0-1: phases weigh the same, and a phase whose total
 * is unknown counts as not started (the share is a floor, never an overstatement).
 */
export function fractionDone(p: WorkProgress): number {
  const within = p.total !== null && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  if (!p.phase) return within;
  return Math.min(1, (p.phase.index - 1 + within) / p.phase.count);
}
