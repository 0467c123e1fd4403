import { sql } from 'kysely';
import type { ConsoleSession, ConsoleSessions, SessionCredential } from '../../core/ports/metadata-store.ts';
import { dbNowMs, type Db, type Engine } from './engine.ts';
import type { ConsoleSessionsTable } from './schema.ts';

/** Console sessions and failed sign-ins, with every time taken from the database clock. */
export class KyselyConsoleSessions implements ConsoleSessions {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  async open(idSha256: string, s: { accountId: string; credential: SessionCredential; csrfToken: string }): Promise<void> {
    const now = dbNowMs(this.engine);
    await this.db
      .insertInto('console_sessions')
      .values({
        id_sha256: idSha256,
        account_id: s.accountId,
        credential_kind: s.credential.kind,
        credential: s.credential.kind === 'key' ? s.credential.publicKey : s.credential.tokenSha256,
        csrf_token: s.csrfToken,
        created_at: now,
        seen_at: now,
      })
      .execute();
  }

  async touch(idSha256: string, limits: { idleMs: number; maxMs: number }): Promise<ConsoleSession | undefined> {
    const now = dbNowMs(this.engine);
    // A session used within the last slice of its idle window is live without a write:
    // every page view writing a row would queue the console behind SQLite's one writer.
    // Idle expiry is then late by at most that slice.
    const slice = Math.min(60_000, Math.floor(limits.idleMs / 10));
    const fresh = await this.db
      .selectFrom('console_sessions')
      .select(['account_id', 'credential_kind', 'credential', 'csrf_token', 'created_at', 'seen_at'])
      .where('id_sha256', '=', idSha256)
      .where('seen_at', '>=', sql<number>`${now} - ${slice}`)
      .where('created_at', '>=', sql<number>`${now} - ${limits.maxMs}`)
      .executeTakeFirst();
    if (fresh) return sessionOf(fresh);
    // One conditional UPDATE decides liveness and marks the use, so two processes serving
    // the same session at once cannot revive one that has just expired.
    const row = await this.db
      .updateTable('console_sessions')
      .set({ seen_at: now })
      .where('id_sha256', '=', idSha256)
      .where('seen_at', '>=', sql<number>`${now} - ${limits.idleMs}`)
      .where('created_at', '>=', sql<number>`${now} - ${limits.maxMs}`)
      .returning(['account_id', 'credential_kind', 'credential', 'csrf_token', 'created_at', 'seen_at'])
      .executeTakeFirst();
    if (!row) {
      await this.close(idSha256);
      return undefined;
    }
    const credential: SessionCredential =
      row.credential_kind === 'key' ? { kind: 'key', publicKey: row.credential } : { kind: 'token', tokenSha256: row.credential };
    return { accountId: row.account_id, credential, csrfToken: row.csrf_token, createdAt: Number(row.created_at), seenAt: Number(row.seen_at) };
  }

  async close(idSha256: string): Promise<void> {
    await this.db.deleteFrom('console_sessions').where('id_sha256', '=', idSha256).execute();
  }

  async recordFailure(scopes: string[]): Promise<void> {
    if (scopes.length === 0) return;
    const at = dbNowMs(this.engine);
    await this.db
      .insertInto('console_sign_in_failures')
      .values(scopes.map((scope) => ({ scope, at })))
      .execute();
  }

  async failuresWithin(scope: string, windowMs: number): Promise<number> {
    const r = await this.db
      .selectFrom('console_sign_in_failures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('scope', '=', scope)
      .where('at', '>=', sql<number>`${dbNowMs(this.engine)} - ${windowMs}`)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async prune(windowMs: number, limits: { idleMs: number; maxMs: number }): Promise<number> {
    const now = dbNowMs(this.engine);
    const failures = await this.db.deleteFrom('console_sign_in_failures').where('at', '<', sql<number>`${now} - ${windowMs}`).executeTakeFirst();
    const sessions = await this.db
      .deleteFrom('console_sessions')
      .where((eb) => eb.or([eb('seen_at', '<', sql<number>`${now} - ${limits.idleMs}`), eb('created_at', '<', sql<number>`${now} - ${limits.maxMs}`)]))
      .executeTakeFirst();
    return Number(failures.numDeletedRows) + Number(sessions.numDeletedRows);
  }
}

function sessionOf(row: Pick<ConsoleSessionsTable, 'account_id' | 'credential_kind' | 'credential' | 'csrf_token' | 'created_at' | 'seen_at'>): ConsoleSession {
  const credential: SessionCredential =
    row.credential_kind === 'key' ? { kind: 'key', publicKey: row.credential } : { kind: 'token', tokenSha256: row.credential };
  return { accountId: row.account_id, credential, csrfToken: row.csrf_token, createdAt: Number(row.created_at), seenAt: Number(row.seen_at) };
}
