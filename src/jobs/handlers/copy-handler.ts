import type { JobOf } from '../../core/jobs/job-payloads.ts';
import type { Repositories } from '../../core/ports/metadata-store.ts';
import type { FailedJob, JobContext, JobHandler } from '../job-runner.ts';
import { PermanentJobError } from '../job-errors.ts';
import { commitCopy, failImage } from '../../core/images/image-lifecycle.ts';

/**
 * Commits copies of images to other regions or projects. With one blob store the copy
 * shares the source's chunks, so there is nothing to transfer: the job gives each copy
 * the source's manifest and makes it available, in one transaction, or fails it when the
 * source was deleted first. It is still a job so that the copy keeps the vendor's
 * asynchronous shape (Making until committed) and a store per region can later move bytes here.
 */
export class CopyHandler implements JobHandler<'copy'> {
  async perform(job: JobOf<'copy'>, ctx: JobContext): Promise<void> {
    const { copies } = job.payload;
    ctx.progress(0, copies.length);
    await ctx.commit(async (tx) => {
      for (const { from, to } of copies) {
        const outcome = await commitCopy(tx, from, to);
        // Thrown inside the commit: the transaction rolls back, and the job fails for good.
        if (outcome === 'sourceGone') throw new PermanentJobError(`the source image ${from} was deleted before the copy was made`);
        // 'targetGone': the copy was deleted meanwhile (which also cancels this job); nothing to do.
      }
    });
  }

  async fail(job: FailedJob<'copy'>, reason: string, tx: Repositories): Promise<void> {
    // An unreadable payload still names the copy on the job row; its snapshots hang off it.
    const copyIds =
      job.payload?.copies.map((c) => c.to) ?? (job.imageId === null ? [] : [job.imageId, ...(await tx.images.listByParent(job.imageId)).map((x) => x.id)]);
    for (const id of copyIds) await failImage(tx, id, reason);
  }
}
