import type { Job } from '../../core/model.ts';
import type { ComputeDriver } from '../../core/ports/compute-driver.ts';
import type { JobContext, JobHandler } from '../job-runner.ts';

/** Removes a terminated instance's disks on the node that held them. */
export class ReleaseHandler implements JobHandler {
  constructor(private readonly d: { compute: ComputeDriver }) {}

  async run(job: Job, ctx: JobContext): Promise<void> {
    await this.d.compute.deleteInstance(job.instanceId!);
    await ctx.commit(async () => undefined);
  }

  async fail(): Promise<void> {
    // Nothing to mark: the instance row is already gone; the files stay for an operator.
  }
}
