import type { PhaseOf } from '../../core/work-progress.ts';
import type { BlobStore } from '../../core/ports/blob-store.ts';
import type { MetadataStore } from '../../core/ports/metadata-store.ts';
import { checksumProblem } from '../../core/uploads/upload-checksum.ts';
import { StagedUploadSource } from '../../core/uploads/staged-upload-source.ts';
import { PermanentJobError } from '../job-errors.ts';

/** Of an upload's import: the checksum pass, then the conversion (the upload itself was phase 1). */
export const VerifyPhase: PhaseOf = { name: 'verify', index: 2, count: 3 };
export const ConvertUploadPhase: PhaseOf = { name: 'convert', index: 3, count: 3 };

/**
 * An uploaded file as the import pipeline's byte source, once its whole-file checksum has
 * been checked against the one the client declared: a file that does not match is refused
 * before any of it is read as a disk, so no chunk of it is ever referenced.
 */
export async function openUploadSource(
  d: { store: MetadataStore; blobs: BlobStore },
  uploadId: string,
  signal: AbortSignal,
  progress: (done: number, total: number, phase: PhaseOf) => void,
): Promise<StagedUploadSource> {
  const upload = await d.store.uploads.get(uploadId);
  if (!upload) throw new PermanentJobError(`import failed: upload ${uploadId} is gone (aborted or expired)`);
  const source = new StagedUploadSource(d.blobs, await d.store.uploads.parts(uploadId), upload.length);
  progress(0, upload.length, VerifyPhase);
  const problem = await checksumProblem(upload.checksum, source.sequential(signal), (done) => progress(done, upload.length, VerifyPhase));
  if (problem !== undefined) throw new PermanentJobError(`import failed: ${problem}`);
  return source;
}
