import type { BlobStore } from '../ports/blob-store.ts';

/** Presence checks in flight at once: the S3 store bounds its own requests further. */
const CHECKS_IN_FLIGHT = 16;

/**
 * The keys among `keys` that the store does not hold. For chunks a manifest will name
 * without this job having written them (a capture's chunks taken from its backing image):
 * those were made durable when that image was committed, so only their presence is in
 * doubt, after an S3-compatible server came back without data it had acknowledged.
 */
export async function missingChunks(blobs: BlobStore, keys: Iterable<string>): Promise<Set<string>> {
  const unique = [...new Set(keys)];
  const missing = new Set<string>();
  let next = 0;
  const lane = async () => {
    while (next < unique.length) {
      const key = unique[next++]!;
      if (!(await blobs.has(key))) missing.add(key);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECKS_IN_FLIGHT, unique.length) }, lane));
  return missing;
}
