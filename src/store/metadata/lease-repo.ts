import { sql } from 'kysely';
import type { NamedLeases } from '../../core/ports/metadata-store.ts';
import { dbNowMs, type Db, type Engine } from './engine.ts';

/** Named leases on the database clock: the holder renews; a lapsed lease can be taken over. */
export class KyselyNamedLeases implements NamedLeases {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = dbNowMs(this.engine);
    const expires = sql<number>`${now} + ${ttlMs}`;
    await this.db
      .insertInto('leases')
      .values({ name, owner, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ owner, expires_at: expires })
          .where((eb) => eb.or([eb('leases.owner', '=', owner), eb('leases.expires_at', '<', now)])),
      )
      .execute();
    const row = await this.db.selectFrom('leases').select('owner').where('name', '=', name).executeTakeFirst();
    return row?.owner === owner;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
  }

  async held(name: string): Promise<boolean> {
    const row = await this.db.selectFrom('leases').select('owner').where('name', '=', name).where('expires_at', '>=', dbNowMs(this.engine)).executeTakeFirst();
    return row !== undefined;
  }
}
