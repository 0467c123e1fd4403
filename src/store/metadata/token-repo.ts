import type { TokenRepository } from '../../core/ports/metadata-store.ts';
import type { Db } from './engine.ts';

/** API tokens by their SHA-256; the plain token never reaches this layer. */
export class KyselyTokenRepository implements TokenRepository {
  constructor(private readonly db: Db) {}

  async insert(tokenSha256: string, accountId: string): Promise<void> {
    await this.db.insertInto('api_tokens').values({ token_sha256: tokenSha256, account_id: accountId, created_at: Date.now() }).execute();
  }

  async accountOf(tokenSha256: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('api_tokens').select('account_id').where('token_sha256', '=', tokenSha256).executeTakeFirst();
    return r?.account_id;
  }

  async delete(tokenSha256: string): Promise<boolean> {
    const res = await this.db.deleteFrom('api_tokens').where('token_sha256', '=', tokenSha256).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }
}
