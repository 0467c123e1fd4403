import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleConfig } from '../../config/config.ts';
import { KilnError } from '../errors.ts';
import type { AccountRepository, ConsoleSessions, SessionCredential, TokenRepository } from '../ports/metadata-store.ts';
import type { AccountService } from './account-service.ts';

/** What a console sign-in offers: the key pair the SDKs sign with, or an API token. */
export type SignInCredential = { publicKey: string; privateKey: string } | { token: string };

/** Who a live session is, as each console request sees it. */
export interface SessionUser {
  accountId: string;
  accountName: string;
  isAdmin: boolean;
  /** The token every form of this session must carry. */
  csrfToken: string;
}

/**
 * The web console's sign-in, sessions and sign-out. Sessions live in the metadata store
 * (any API process serves them), under the SHA-256 of the cookie value; each use checks
 * idle and absolute expiry on the database clock and that the credential the session was
 * opened with still exists, so a revoked key ends its sessions within KILN_AUTH_CACHE_MS
 * (the same bound as for API calls) and a revoked token at once.
 */
export class ConsoleSessionService {
  private lastPrune = 0;

  constructor(
    private readonly deps: {
      sessions: ConsoleSessions;
      accounts: AccountRepository;
      tokens: TokenRepository;
      keys: AccountService;
      config: ConsoleConfig;
    },
  ) {}

  /**
   * Opens a session for a valid credential. Failures count against the account (when the
   * credential names one) and the client address; past the limit within the window every
   * attempt is refused, right or wrong, so guessing gains nothing by going on.
   */
  async signIn(credential: SignInCredential, address: string): Promise<{ sessionId: string; user: SessionUser }> {
    await this.pruneNowAndThen();
    const { signInFailures: limit, signInWindowMs: windowMs } = this.deps.config;
    const accountScope = 'publicKey' in credential ? await this.accountScopeOfKey(credential.publicKey) : undefined;
    const scopes = [`address:${address}`, ...(accountScope ? [accountScope] : [])];
    for (const scope of scopes) {
      if ((await this.deps.sessions.failuresWithin(scope, windowMs)) >= limit) {
        throw new KilnError('SignInThrottled', `too many failed sign-ins; try again in ${Math.ceil(windowMs / 60_000)} minutes`);
      }
    }
    const verified = await this.verify(credential);
    if (!verified) {
      await this.deps.sessions.recordFailure(scopes);
      throw new KilnError('SignInFailed', 'public key and private key, or token, do not match an account');
    }
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    await this.deps.sessions.open(sha256(sessionId), { accountId: verified.accountId, credential: verified.credential, csrfToken });
    const account = await this.deps.accounts.byId(verified.accountId);
    if (!account) throw new KilnError('SignInFailed', 'the account was deleted');
    return { sessionId, user: { accountId: account.id, accountName: account.name, isAdmin: account.isAdmin, csrfToken } };
  }

  /** The user of a live session, or undefined (unknown, expired, or its credential revoked). */
  async resolve(sessionId: string): Promise<SessionUser | undefined> {
    const idSha = sha256(sessionId);
    const { sessionIdleMs: idleMs, sessionMaxMs: maxMs } = this.deps.config;
    const session = await this.deps.sessions.touch(idSha, { idleMs, maxMs });
    if (!session) return undefined;
    if (!(await this.credentialLives(session.credential, session.accountId))) {
      await this.deps.sessions.close(idSha);
      return undefined;
    }
    const account = await this.deps.accounts.byId(session.accountId);
    if (!account) return undefined;
    return { accountId: account.id, accountName: account.name, isAdmin: account.isAdmin, csrfToken: session.csrfToken };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.deps.sessions.close(sha256(sessionId));
  }

  private async accountScopeOfKey(publicKey: string): Promise<string> {
    const owner = await this.deps.keys.keyOwner(publicKey);
    // An unknown key still has a scope: guesses at one key are limited before it exists.
    return owner ? `account:${owner.accountId}` : `key:${publicKey}`;
  }

  private async verify(c: SignInCredential): Promise<{ accountId: string; credential: SessionCredential } | undefined> {
    if ('token' in c) {
      const tokenSha256 = sha256(c.token);
      const accountId = await this.deps.tokens.accountOf(tokenSha256);
      return accountId ? { accountId, credential: { kind: 'token', tokenSha256 } } : undefined;
    }
    const owner = await this.deps.keys.keyOwner(c.publicKey);
    // Compared as digests of equal length, in constant time, also when the key is unknown.
    const offered = createHash('sha256').update(c.privateKey, 'utf8').digest();
    const expected = createHash('sha256')
      .update(owner?.privateKey ?? randomBytes(32).toString('hex'), 'utf8')
      .digest();
    if (!timingSafeEqual(offered, expected) || !owner) return undefined;
    return { accountId: owner.accountId, credential: { kind: 'key', publicKey: c.publicKey } };
  }

  private async credentialLives(c: SessionCredential, accountId: string): Promise<boolean> {
    if (c.kind === 'token') return (await this.deps.tokens.accountOf(c.tokenSha256)) === accountId;
    return (await this.deps.keys.keyOwner(c.publicKey))?.accountId === accountId;
  }

  /** Expired sessions and old failures go at most once a minute per process, on a sign-in. */
  private async pruneNowAndThen(): Promise<void> {
    const now = performance.now();
    if (now - this.lastPrune < 60_000 && this.lastPrune !== 0) return;
    this.lastPrune = now;
    const { sessionIdleMs: idleMs, sessionMaxMs: maxMs, signInWindowMs } = this.deps.config;
    await this.deps.sessions.prune(signInWindowMs, { idleMs, maxMs });
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}
