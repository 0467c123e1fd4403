import { sql } from 'kysely';
import type { SignatureReplays } from '../../core/ports/metadata-store.ts';
import { dbNowMs, type Db, type Engine } from './engine.ts';

/** Signatures already used, keyed by the signature, with an expiry on the database clock. */
export class KyselySignatureReplays implements SignatureReplays {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async firstUse(signature: string, ttlMs: number): Promise<boolean> {
    const now = dbNowMs(this.engine);
    const expires = sql<number>`${now} + ${ttlMs}`;
    // The primary key decides between concurrent uses; a record that has expired is
    // taken over in the same statement instead of waiting for pruning.
    const res = await this.db
      .insertInto('signature_replays')
      .values({ signature, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('signature')
          .doUpdateSet({ expires_at: expires })
          .where('signature_replays.expires_at', '<', now),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async prune(): Promise<number> {
    const res = await this.db.deleteFrom('signature_replays').where('expires_at', '<', dbNowMs(this.engine)).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
