import { dbNowMs, inTransaction, type Db, type Engine } from './engine.ts';

/**
 * A hold keeps every chunk an image's manifest names from collection on behalf of a writer
 * (a capture inheriting them), in one row where pending records would take one per chunk.
 * While the image lives, its own references keep those chunks; whatever drops the
 * references (a delete, a new commit of the image) first turns its holds into pending
 * records of the holders (passHoldsOn), in the same transaction, so the collector, which
 * reads only references and pending records, sees no gap.
 */

/**
 * Records `owner`'s hold on `imageId`'s chunks; false (nothing recorded) if the image has
 * no manifest. On PostgreSQL the manifest row is held FOR SHARE while the hold is written:
 * a delete locks that row first (passHoldsOn), so either the delete waits and then sees the
 * hold, or the hold waits and then finds no manifest. SQLite has one writer.
 */
export async function holdImage(db: Db, engine: Engine, owner: string, imageId: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    let manifest = trx.selectFrom('manifests').select('image_id').where('image_id', '=', imageId);
    if (engine === 'postgres') manifest = manifest.forShare();
    if ((await manifest.executeTakeFirst()) === undefined) return false;
    await trx
      .insertInto('image_holds')
      .values({ owner, image_id: imageId, created_at: dbNowMs(engine) })
      .onConflict((oc) => oc.columns(['owner', 'image_id']).doNothing())
      .execute();
    return true;
  });
}

/**
 * Inside the transaction about to drop `imageId`'s chunk references: locks its manifest row
 * (PostgreSQL), then gives every holder a pending record of each chunk the image references,
 * and drops the holds.
 */
export async function passHoldsOn(trx: Db, engine: Engine, imageId: string): Promise<void> {
  if (engine === 'postgres') await trx.selectFrom('manifests').select('image_id').where('image_id', '=', imageId).forUpdate().execute();
  await trx
    .insertInto('pending_chunks')
    .columns(['owner', 'chunk_key', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('image_holds')
        .innerJoin('image_chunks', 'image_chunks.image_id', 'image_holds.image_id')
        .select(['image_holds.owner', 'image_chunks.chunk_key', dbNowMs(engine).as('created_at')])
        .where('image_holds.image_id', '=', imageId),
    )
    .onConflict((oc) => oc.columns(['owner', 'chunk_key']).doNothing())
    .execute();
  await trx.deleteFrom('image_holds').where('image_id', '=', imageId).execute();
}
