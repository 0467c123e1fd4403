import { failImage } from '../images/image-lifecycle.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import { dropUpload } from './upload-service.ts';

/** Uploads expired at a time, per pass: bounded work for each transaction. */
const BATCH = 100;

/**
 * Ends uploads left unfinished past their expiry (no stored part for KILN_UPLOAD_EXPIRY_MS,
 * on the database clock): the image fails with why and gives its quota slot back, and the
 * staged parts lose their pending hold, so the collector that runs this removes them like
 * any unreferenced chunk. Returns how many expired.
 */
export async function expireUploads(store: MetadataStore): Promise<number> {
  let count = 0;
  for (;;) {
    const batch = await store.uploads.expired(BATCH);
    for (const upload of batch) {
      await store.transaction(async (tx) => {
        const fresh = await tx.uploads.get(upload.id);
        // A PATCH that landed meanwhile moved the expiry, or the upload finished.
        if (!fresh || fresh.state !== 'receiving' || fresh.expiresAt !== upload.expiresAt) return;
        await failImage(
          tx,
          upload.imageId,
          `the upload expired: ${fresh.offset} of ${fresh.length} bytes had arrived and none came for too long (KILN_UPLOAD_EXPIRY_MS); upload the file again`,
        );
        await dropUpload(tx, upload.id);
        count++;
      });
    }
    if (batch.length < BATCH) return count;
  }
}
