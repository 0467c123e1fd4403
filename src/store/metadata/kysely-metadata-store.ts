import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import type { DatabaseConfig } from '../../config/config.ts';
import { KyselyAccountRepository } from './account-repo.ts';
import { KyselyChunkReferences } from './chunk-ref-repo.ts';
import { StoreUnavailableError } from '../../core/ports/store-unavailable.ts';
import { isConnectionFailure } from './connection-failure.ts';
import { openDatabase, type DatabaseOptions } from './database.ts';
import { dbNowMs, engineOf, type Db, type Engine } from './engine.ts';
import { KyselyImageRepository } from './image-repo.ts';
import { KyselyInstanceRepository } from './instance-repo.ts';
import { KyselyJobQueue } from './job-repo.ts';
import { KyselyNamedLeases } from './lease-repo.ts';
import { KyselyNodeRegistry } from './node-repo.ts';
import { KyselyQuotaRepository } from './quota-repo.ts';
import { KyselySignatureReplays } from './replay-repo.ts';
import { KyselyImageShares } from './share-repo.ts';
import { KyselyImageReplicas } from './replica-repo.ts';
import { KyselyTokenRepository } from './token-repo.ts';
import { KyselyUploadRepository } from './upload-repo.ts';

function repositories(db: Db, engine: Engine, jobEnqueued: () => void): Repositories {
  return {
    accounts: new KyselyAccountRepository(db),
    tokens: new KyselyTokenRepository(db),
    images: new KyselyImageRepository(db, engine),
    instances: new KyselyInstanceRepository(db),
    quota: new KyselyQuotaRepository(db),
    jobs: new KyselyJobQueue(db, engine, jobEnqueued),
    chunks: new KyselyChunkReferences(db, engine),
    leases: new KyselyNamedLeases(db, engine),
    nodes: new KyselyNodeRegistry(db, engine),
    replays: new KyselySignatureReplays(db, engine),
    shares: new KyselyImageShares(db),
    replicas: new KyselyImageReplicas(db),
    uploads: new KyselyUploadRepository(db, engine),
  };
}

/**
 * The metadata store on Kysely: one query layer for SQLite (embedded) and PostgreSQL
 * (scale-out). A transaction hands out the same repositories bound to it.
 */
export class KyselyMetadataStore implements MetadataStore {
  readonly engine: Engine;
  readonly accounts;
  readonly tokens;
  readonly images;
  readonly instances;
  readonly quota;
  readonly jobs;
  readonly chunks;
  readonly leases;
  readonly nodes;
  readonly replays;
  readonly shares;
  readonly replicas;
  readonly uploads;

  private readonly jobListeners = new Set<() => void>();

  constructor(readonly db: Db) {
    this.engine = engineOf(db);
    const r = repositories(db, this.engine, () => this.jobQueued());
    this.accounts = r.accounts;
    this.tokens = r.tokens;
    this.images = r.images;
    this.instances = r.instances;
    this.quota = r.quota;
    this.jobs = r.jobs;
    this.chunks = r.chunks;
    this.leases = r.leases;
    this.nodes = r.nodes;
    this.replays = r.replays;
    this.shares = r.shares;
    this.replicas = r.replicas;
    this.uploads = r.uploads;
  }

  async transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let enqueued = false;
      try {
        const result = await this.db.transaction().execute((trx) => fn(repositories(trx, this.engine, () => (enqueued = true))));
        // Only now can a runner claim what the transaction queued.
        if (enqueued) this.jobQueued();
        return result;
      } catch (e) {
        // PostgreSQL aborts one side of a deadlock or serialization conflict; the whole
        // transaction ran nothing visible, so running it again is safe.
        if (attempt >= 3 || !isRetryableConflict(e)) throw e;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  onJobQueued(listener: () => void): () => void {
    this.jobListeners.add(listener);
    return () => this.jobListeners.delete(listener);
  }

  private jobQueued(): void {
    for (const l of this.jobListeners) l();
  }

  async now(): Promise<number> {
    const r = await this.db.selectNoFrom(dbNowMs(this.engine).as('now')).executeTakeFirstOrThrow();
    return Number(r.now);
  }

  isUnavailable(e: unknown): boolean {
    return e instanceof StoreUnavailableError || isConnectionFailure(e);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

function isRetryableConflict(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return code === '40P01' || code === '40001';
}

/** Opens (and migrates) the configured metadata store; `applied` names the migrations this run applied. */
export async function openMetadataStore(cfg: DatabaseConfig, opts: DatabaseOptions = {}): Promise<KyselyMetadataStore & { applied: string[] }> {
  const { db, applied } = await openDatabase(cfg, opts);
  return Object.assign(new KyselyMetadataStore(db), { applied });
}
