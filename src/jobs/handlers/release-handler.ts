import type { JobOf } from '../../core/jobs/job-payloads.ts';
import type { ComputeDriver } from '../../core/ports/compute-driver.ts';
import type { JobContext, JobHandler } from '../job-runner.ts';

/** Removes a terminated instance's disks on the node that held them. */
export class ReleaseHandler implements JobHandler<'release'> {
  constructor(private readonly deps: { compute: ComputeDriver }) {}

  async perform(job: JobOf<'release'>, ctx: JobContext): Promise<void> {
    await this.deps.compute.deleteInstance(job.instanceId!);
    await ctx.commit(async () => undefined);
  }

  async fail(): Promise<void> {
    // Nothing to mark: the instance row is already gone; the files stay for an operator.
  }
}
