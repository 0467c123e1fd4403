import { randomBytes } from 'node:crypto';
import { displayTextProblem } from '../display-text.ts';
import { KilnError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Principal } from '../model.ts';
import type { AccountRepository as AccountRepo } from '../ports/metadata-store.ts';
import type { SecretBox } from './secret-box.ts';

export interface CreatedAccount {
  accountId: string;
  projectId: string;
  publicKey: string;
  privateKey: string;
}

export interface KeyOwner {
  accountId: string;
  accountName: string;
  privateKey: string;
}

/** Accounts, their default project and key pairs; one key pair signs every dialect. */
export class AccountService {
  // Decrypting a key per request is cheap, but the cache keeps the hot path to a map lookup.
  // Entries live at most `keyCacheMs`: a key revoked by another process (the CLI) stops
  // working here within that bound, without any message between processes.
  private readonly keyCache = new Map<string, { owner: KeyOwner; until: number }>();
  // An account's default project never changes once created, so it is safe to remember.
  private readonly defaultProjects = new Map<string, string>();

  constructor(
    private readonly accounts: AccountRepo,
    private readonly box: SecretBox,
    private readonly keyCacheMs = 5_000,
  ) {}

  async create(name: string, opts: { isAdmin?: boolean; publicKey?: string; privateKey?: string } = {}): Promise<CreatedAccount> {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/.test(name)) {
      throw new KilnError('InvalidParameter', `account name "${name}" must be 1-64 letters, digits, _ . @ -`, 'name');
    }
    if (await this.accounts.byName(name)) throw new KilnError('NameTaken', `account ${name} already exists`, 'name');
    const accountId = newId('acc-');
    const projectId = newId('org-');
    const publicKey = opts.publicKey ?? newPublicKey();
    const privateKey = opts.privateKey ?? randomBytes(32).toString('hex');
    await this.accounts.create({
      id: accountId,
      name,
      isAdmin: opts.isAdmin ?? false,
      projectId,
      key: { publicKey, accountId, privateKeySealed: this.box.seal(privateKey) },
    });
    return { accountId, projectId, publicKey, privateKey };
  }

  /** The account and private key behind a public key, or undefined if unknown. */
  async keyOwner(publicKey: string): Promise<KeyOwner | undefined> {
    // A monotonic clock: the bound is a span of this process's time, not a moment.
    const now = performance.now();
    const cached = this.keyCache.get(publicKey);
    if (cached && cached.until > now) return cached.owner;
    this.keyCache.delete(publicKey);
    const key = await this.accounts.key(publicKey);
    if (!key) return undefined;
    const account = await this.accounts.byId(key.accountId);
    if (!account) return undefined;
    const owner = { accountId: account.id, accountName: account.name, privateKey: this.box.open(key.privateKeySealed) };
    if (this.keyCacheMs > 0) {
      if (this.keyCache.size > 10_000) this.keyCache.clear();
      this.keyCache.set(publicKey, { owner, until: now + this.keyCacheMs });
    }
    return owner;
  }

  /** Adds a project to the named account: requests name it as ProjectId, copies as TargetProjectId. */
  async addProject(accountName: string, projectName: string): Promise<{ accountId: string; projectId: string }> {
    const account = await this.accounts.byName(accountName);
    if (!account) throw new KilnError('AccountNotFound', `account ${accountName} does not exist`);
    // Account names have their own pattern (create); a project's name is free text but for this.
    const problem = displayTextProblem(projectName);
    if (problem !== undefined) throw new KilnError('InvalidParameter', `project name ${problem}`, 'name');
    const projectId = newId('org-');
    await this.accounts.addProject({ id: projectId, accountId: account.id, name: projectName });
    return { accountId: account.id, projectId };
  }

  /** Adds a key pair to the named account (to rotate: add one, move clients, revoke the old). */
  async addKey(accountName: string): Promise<{ accountId: string; publicKey: string; privateKey: string }> {
    const account = await this.accounts.byName(accountName);
    if (!account) throw new KilnError('AccountNotFound', `account ${accountName} does not exist`);
    const publicKey = newPublicKey();
    const privateKey = randomBytes(32).toString('hex');
    await this.accounts.addKey({ publicKey, accountId: account.id, privateKeySealed: this.box.seal(privateKey) });
    return { accountId: account.id, publicKey, privateKey };
  }

  /**
   * Deletes a key pair. This process forgets it at once; every other process within its
   * key cache lifetime (KILN_AUTH_CACHE_MS).
   */
  async revokeKey(publicKey: string): Promise<void> {
    if (!(await this.accounts.deleteKey(publicKey))) throw new KilnError('AccountNotFound', `no key ${publicKey}`);
    this.keyCache.delete(publicKey);
  }

  /** Resolves the project a request acts in: the named one (if the account owns it) or the default. */
  async principal(accountId: string, projectId: string | undefined): Promise<Principal> {
    if (projectId) {
      if (!(await this.accounts.projectBelongsTo(projectId, accountId))) {
        throw new KilnError('ProjectNotFound', `project ${projectId} does not exist`, 'projectId');
      }
      return { accountId, projectId };
    }
    let def = this.defaultProjects.get(accountId);
    if (!def) {
      def = await this.accounts.defaultProject(accountId);
      if (!def) throw new KilnError('ProjectNotFound', 'account has no default project');
      if (this.defaultProjects.size > 10_000) this.defaultProjects.clear();
      this.defaultProjects.set(accountId, def);
    }
    return { accountId, projectId: def };
  }

  /** The id of the account with this name, for filters that name an author. */
  async accountIdByName(name: string): Promise<string | undefined> {
    return (await this.accounts.byName(name))?.id;
  }

  async accountName(accountId: string): Promise<string> {
    return (await this.accounts.byId(accountId))?.name ?? '';
  }

  async adminExists(): Promise<boolean> {
    return (await this.accounts.anyAdmin()) !== undefined;
  }
}

/**
 * A new public key: base64url, but never starting with `-`, which command lines (ours
 * included: `kiln account keys revoke KEY`) would take for an option.
 */
function newPublicKey(): string {
  for (;;) {
    const key = randomBytes(24).toString('base64url');
    if (!key.startsWith('-')) return key;
  }
}
