import { decodeChunks } from './manifest-encoding.ts';
import { batches, type Db, type Engine } from './engine.ts';

/** Keys per IN list and rows per multi-row insert: far below SQLite's and PostgreSQL's parameter limits. */
const BATCH = 500;

/**
 * Writes the chunk references of `imageId`'s newly committed manifest (`chunks`), inside
 * the commit's transaction. With `inheritsFrom` (the image a capture took most chunks
 * from) whose manifest still exists: one INSERT ... SELECT copies that image's references
 * less those `chunks` no longer names, and only the keys it never had are written one by
 * one; a capture of an overlay on a 1.5 GiB image names ~400 keys and writes a handful.
 * An image's references are exactly the keys its manifest names (markAvailable, copies and
 * migration 003 all write them so), which is what makes the copy exact.
 */
export async function writeChunkRefs(trx: Db, engine: Engine, imageId: string, chunks: readonly (string | null)[], inheritsFrom?: string): Promise<void> {
  const keys = new Set(chunks.filter((c): c is string => c !== null));
  const from = inheritsFrom === undefined ? undefined : await heldManifestKeys(trx, engine, inheritsFrom);
  const dropped = from === undefined ? [] : [...from].filter((k) => !keys.has(k));
  let own = [...keys];
  if (from !== undefined && inheritsFrom !== undefined && dropped.length <= BATCH) {
    await trx
      .insertInto('image_chunks')
      .columns(['image_id', 'chunk_key'])
      .expression((eb) => {
        let q = eb
          .selectFrom('image_chunks')
          .select([eb.val(imageId).as('image_id'), 'chunk_key'])
          .where('image_id', '=', inheritsFrom);
        if (dropped.length > 0) q = q.where('chunk_key', 'not in', dropped);
        return q;
      })
      .execute();
    own = own.filter((k) => !from.has(k));
  }
  for (const run of batches(own, BATCH)) {
    await trx
      .insertInto('image_chunks')
      .values(run.map((chunk_key) => ({ image_id: imageId, chunk_key })))
      .execute();
  }
}

/**
 * The keys `imageId`'s manifest names, its row held FOR SHARE on PostgreSQL so that a
 * delete cannot drop its references between this read and the copy (a delete locks the
 * row first); undefined if it has none.
 */
async function heldManifestKeys(trx: Db, engine: Engine, imageId: string): Promise<Set<string> | undefined> {
  let q = trx.selectFrom('manifests').select('chunks').where('image_id', '=', imageId);
  if (engine === 'postgres') q = q.forShare();
  const row = await q.executeTakeFirst();
  if (row === undefined) return undefined;
  return new Set(decodeChunks(Buffer.from(row.chunks)).filter((c): c is string => c !== null));
}
