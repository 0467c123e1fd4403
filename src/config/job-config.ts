import type { EnvReader } from './env-reader.ts';

/**
 * concurrency is how many jobs this process runs at once, the sum of its lanes; 0 runs
 * none. Each lane has its own workers, so imports (slow, remote, user-paced) can never
 * hold the workers that deploy, release and capture instances.
 */
export interface JobConfig {
  leaseMs: number;
  heartbeatMs: number;
  pollMs: number;
  maxAttempts: number;
  /**
   * The pause (between 1x and 2x of this) before a job that met an unreachable store
   * is given back to the queue; such a try does not count against maxAttempts.
   */
  unavailableRetryMs: number;
  concurrency: number;
  lanes: { instance: number; import: number };
  /**
   * Import-lane jobs one account may run at once in this process while other accounts'
   * imports wait (0: no limit). Below the lane's size, it keeps a worker for others.
   */
  importsPerAccount: number;
}

export function readJobs(read: EnvReader): JobConfig {
  // KILN_JOB_CONCURRENCY is the older name of KILN_WORKERS, now the default of each lane.
  const workers = read.int('KILN_WORKERS', read.int('KILN_JOB_CONCURRENCY', 2, 1, 64), 0, 64);
  const lanes = { instance: read.int('KILN_INSTANCE_WORKERS', workers, 0, 64), import: read.int('KILN_IMPORT_WORKERS', workers, 0, 64) };
  const jobs = {
    leaseMs: read.int('KILN_JOB_LEASE_MS', 15_000, 1000, 3_600_000),
    heartbeatMs: read.int('KILN_JOB_HEARTBEAT_MS', 3_000, 100, 600_000),
    pollMs: read.int('KILN_JOB_POLL_MS', 200, 10, 60_000),
    maxAttempts: read.int('KILN_JOB_MAX_ATTEMPTS', 3, 1, 100),
    unavailableRetryMs: read.int('KILN_JOB_UNAVAILABLE_RETRY_MS', 5_000, 10, 3_600_000),
    concurrency: lanes.instance + lanes.import,
    lanes,
    importsPerAccount: read.int('KILN_IMPORT_WORKERS_PER_ACCOUNT', Math.max(1, lanes.import - 1), 0, 64),
  };
  if (jobs.heartbeatMs * 2 > jobs.leaseMs) {
    read.problem('KILN_JOB_HEARTBEAT_MS must be at most half of KILN_JOB_LEASE_MS, or leases lapse under a live worker');
  }
  return jobs;
}
