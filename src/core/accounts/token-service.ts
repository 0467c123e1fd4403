import { createHash, randomBytes } from 'node:crypto';
import type { AccountRepository as AccountRepo, TokenRepository as TokenRepo } from '../ports/metadata-store.ts';
import { KilnError } from '../errors.ts';

export interface TokenOwner {
  accountId: string;
  accountName: string;
}

/** Bearer API tokens: random, shown once at creation, stored only as a SHA-256. */
export class TokenService {
  constructor(
    private readonly accounts: AccountRepo,
    private readonly tokens: TokenRepo,
  ) {}

  /** Creates a token for the named account, or for the admin account when none is named. */
  async create(accountName?: string): Promise<{ token: string; accountId: string }> {
    const account = accountName === undefined ? await this.accounts.anyAdmin() : await this.accounts.byName(accountName);
    if (!account)
      throw new KilnError(
        'AccountNotFound',
        accountName === undefined ? 'there is no admin account yet; run `kiln bootstrap`' : `account ${accountName} does not exist`,
      );
    // 32 random bytes: guessing is hopeless, which is also why an unsalted hash suffices.
    const token = `kiln_${randomBytes(32).toString('base64url')}`;
    await this.tokens.insert(digest(token), account.id);
    return { token, accountId: account.id };
  }

  /** Deletes a token; it is looked up on every request, so it stops working at once everywhere. */
  async revoke(token: string): Promise<void> {
    if (!(await this.tokens.delete(digest(token)))) throw new KilnError('AccountNotFound', 'no such token (it may have been revoked already)');
  }

  /** The account a token belongs to, or undefined for an unknown token. */
  async owner(token: string): Promise<TokenOwner | undefined> {
    // Looked up by hash, so response time does not depend on how much of a guess matched.
    const accountId = await this.tokens.accountOf(digest(token));
    if (!accountId) return undefined;
    const account = await this.accounts.byId(accountId);
    return account ? { accountId: account.id, accountName: account.name } : undefined;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
