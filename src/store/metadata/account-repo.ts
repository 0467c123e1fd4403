import type { AccountRepository, AccountRow, KeyRow } from '../../core/ports/metadata-store.ts';
import { inTransaction, type Db } from './engine.ts';

export class KyselyAccountRepository implements AccountRepository {
  constructor(private readonly db: Db) {}

  async create(a: { id: string; name: string; isAdmin: boolean; projectId: string; key: KeyRow }): Promise<void> {
    const now = Date.now();
    await inTransaction(this.db, async (trx) => {
      await trx
        .insertInto('accounts')
        .values({ id: a.id, name: a.name, is_admin: a.isAdmin ? 1 : 0, created_at: now })
        .execute();
      await trx.insertInto('projects').values({ id: a.projectId, account_id: a.id, name: 'Default', is_default: 1, created_at: now }).execute();
      await trx
        .insertInto('api_keys')
        .values({ public_key: a.key.publicKey, account_id: a.id, private_key_sealed: a.key.privateKeySealed, created_at: now })
        .execute();
    });
  }

  async byName(name: string): Promise<AccountRow | undefined> {
    const r = await this.db.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst();
    return r ? { id: r.id, name: r.name, isAdmin: r.is_admin === 1 } : undefined;
  }

  async byId(id: string): Promise<AccountRow | undefined> {
    const r = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, name: r.name, isAdmin: r.is_admin === 1 } : undefined;
  }

  async anyAdmin(): Promise<AccountRow | undefined> {
    const r = await this.db.selectFrom('accounts').selectAll().where('is_admin', '=', 1).executeTakeFirst();
    return r ? { id: r.id, name: r.name, isAdmin: true } : undefined;
  }

  async key(publicKey: string): Promise<KeyRow | undefined> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('public_key', '=', publicKey).executeTakeFirst();
    return r ? { publicKey: r.public_key, accountId: r.account_id, privateKeySealed: r.private_key_sealed } : undefined;
  }

  async addKey(key: KeyRow): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({ public_key: key.publicKey, account_id: key.accountId, private_key_sealed: key.privateKeySealed, created_at: Date.now() })
      .execute();
  }

  async deleteKey(publicKey: string): Promise<boolean> {
    const res = await this.db.deleteFrom('api_keys').where('public_key', '=', publicKey).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  async addProject(p: { id: string; accountId: string; name: string }): Promise<void> {
    await this.db.insertInto('projects').values({ id: p.id, account_id: p.accountId, name: p.name, is_default: 0, created_at: Date.now() }).execute();
  }

  async defaultProject(accountId: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('projects').select('id').where('account_id', '=', accountId).where('is_default', '=', 1).executeTakeFirst();
    return r?.id;
  }

  async projectBelongsTo(projectId: string, accountId: string): Promise<boolean> {
    const r = await this.db.selectFrom('projects').select('id').where('id', '=', projectId).where('account_id', '=', accountId).executeTakeFirst();
    return r !== undefined;
  }

  async list(limit: number): Promise<AccountRow[]> {
    const rows = await this.db.selectFrom('accounts').selectAll().orderBy('name').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, name: r.name, isAdmin: r.is_admin === 1 }));
  }

  async publicKeysOf(accountId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .select('public_key')
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('public_key')
      .execute();
    return rows.map((r) => r.public_key);
  }
}
