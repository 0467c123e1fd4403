import { sql } from 'kysely';
import type { SignatureReplays, SignatureUse, SignatureVerdict } from '../../core/ports/metadata-store.ts';
import { dbNowMs, type Db, type Engine } from './engine.ts';

/** The actions each signature served, keyed by (signature, action), with times on the database clock. */
export class KyselySignatureReplays implements SignatureReplays {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async use(u: SignatureUse): Promise<{ verdict: SignatureVerdict; firstSeenMsAgo?: number }> {
    const now = dbNowMs(this.engine);
    const seen = await this.db
      .selectFrom('signature_replays')
      .select(['action', 'first_seen_at', now.as('now')])
      .where('signature', '=', u.signature)
      .where('expires_at', '>=', now)
      .execute();
    if (seen.some((r) => r.action === u.action)) return { verdict: u.changing ? 'replayed' : 'accepted' };
    if (seen.length > 0) {
      // The first sighting only moves back in time, so a concurrent insert cannot make
      // this check pass when it should not.
      const ago = Number(seen[0]!.now) - Math.min(...seen.map((r) => Number(r.first_seen_at)));
      if (ago > u.switchWindowMs) return { verdict: 'switched', firstSeenMsAgo: ago };
    }
    // Refusals above write nothing: a refused action must not become "already served",
    // which would let the same attempt through as a repeat. The primary key decides
    // between concurrent first uses; an expired record is taken over in the same statement.
    const res = await this.db
      .insertInto('signature_replays')
      .values({ signature: u.signature, action: u.action, first_seen_at: now, expires_at: sql<number>`${now} + ${u.ttlMs}` })
      .onConflict((oc) =>
        oc
          .columns(['signature', 'action'])
          .doUpdateSet({ first_seen_at: now, expires_at: sql<number>`${now} + ${u.ttlMs}` })
          .where('signature_replays.expires_at', '<', now),
      )
      .executeTakeFirst();
    const recorded = Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
    return { verdict: !recorded && u.changing ? 'replayed' : 'accepted' };
  }

  async prune(): Promise<number> {
    const res = await this.db.deleteFrom('signature_replays').where('expires_at', '<', dbNowMs(this.engine)).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
