import type { Job } from '../../core/model.ts';
import type { CopyJobPayload } from '../../core/images/image-sharing.ts';
import type { Repositories } from '../../core/ports/metadata-store.ts';
import type { JobContext, JobHandler } from '../job-runner.ts';
import { PermanentJobError } from '../job-errors.ts';
import { failImage } from '../../core/images/fail-image.ts';

/**
 * Commits copies of images to other regions or projects. With one blob store the copy
 * shares the source's chunks, so there is nothing to transfer: the job gives each copy
 * the source's manifest and makes it available, in one transaction, or fails it when the
 * source was deleted first. It is still a job so that the copy keeps the vendor's
 * asynchronous shape (Making until committed) and a store per region can later move bytes here.
 */
export class CopyHandler implements JobHandler {
  async run(job: Job, ctx: JobContext): Promise<void> {
    const { copies } = payloadOf(job);
    ctx.progress(0, copies.length);
    await ctx.commit(async (tx) => {
      for (const { from, to } of copies) {
        const outcome = await tx.images.commitCopy(from, to);
        // Thrown inside the commit: the transaction rolls back, and the job fails for good.
        if (outcome === 'sourceGone') throw new PermanentJobError(`the source image ${from} was deleted before the copy was made`);
        // 'targetGone': the copy was deleted meanwhile (which also cancels this job); nothing to do.
      }
    });
  }

  async fail(job: Job, reason: string, tx: Repositories): Promise<void> {
    for (const { to } of payloadOf(job).copies) await failImage(tx, to, reason);
  }
}

function payloadOf(job: Job): CopyJobPayload {
  const copies = Array.isArray(job.payload.copies) ? job.payload.copies : [];
  return {
    copies: copies.flatMap((c: unknown) => {
      if (typeof c !== 'object' || c === null) return [];
      const { from, to } = c as Record<string, unknown>;
      return typeof from === 'string' && typeof to === 'string' ? [{ from, to }] : [];
    }),
  };
}
