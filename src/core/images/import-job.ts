import { newId } from '../ids.ts';
import type { ImportJobPayload } from '../jobs/job-payloads.ts';
import type { Repositories } from '../ports/metadata-store.ts';

/**
 * Queues the job that reads an import's file (a URL, or a finished upload's parts) and
 * makes its image. It names no node: the file is on no node's disks, so any worker may
 * take it; the account is named so one account's imports cannot hold every worker.
 */
export async function queueImportJob(tx: Repositories, image: { id: string; accountId: string | null }, payload: ImportJobPayload): Promise<void> {
  await tx.jobs.enqueue({ id: newId('job-'), kind: 'import', imageId: image.id, accountId: image.accountId, payload });
}
