import type { MetadataStore, Repositories } from '../../core/ports/metadata-store.ts';
import type { DatabaseConfig } from '../../config/config.ts';
import { KyselyAccountRepository } from './account-repo.ts';
import { KyselyChunkReferences } from './chunk-ref-repo.ts';
import { StoreUnavailableError } from '../../core/ports/store-unavailable.ts';
import { isConnectionFailure } from './connection-failure.ts';
import { openDatabase, type DatabaseOptions } from './database.ts';
import { CatalogueVersionFeed } from './catalogue-version-feed.ts';
import { dbNowMs, engineOf, type Db, type Engine } from './engine.ts';
import { KyselyImageRepository, type KeptCatalogueVersions } from './image-repo.ts';
import { SqliteCatalogueVersions } from './sqlite-catalogue-versions.ts';
import type SQLite from 'better-sqlite3';
import { KyselyInstanceRepository } from './instance-repo.ts';
import { KyselyJobQueue } from './job-repo.ts';
import { KyselyNamedLeases } from './lease-repo.ts';
import { KyselyNodeRegistry } from './node-repo.ts';
import { KyselyQuotaRepository } from './quota-repo.ts';
import { KyselySignatureReplays } from './replay-repo.ts';
import { KyselyImageShares } from './share-repo.ts';
import { KyselyImageReplicas } from './replica-repo.ts';
import { KyselyTokenRepository } from './token-repo.ts';
import { KyselyConsoleSessions } from './console-session-repo.ts';
import { KyselyImageBrowse } from './image-browse-repo.ts';
import { KyselyImageInsights } from './image-insight-repo.ts';
import { KyselyGcRunLog } from './gc-run-repo.ts';
import { KyselyUploadRepository } from './upload-repo.ts';

function repositories(db: Db, engine: Engine, jobEnqueued: () => void, keptVersions?: KeptCatalogueVersions): Repositories {
  return {
    accounts: new KyselyAccountRepository(db),
    tokens: new KyselyTokenRepository(db),
    images: new KyselyImageRepository(db, engine, keptVersions),
    instances: new KyselyInstanceRepository(db),
    quota: new KyselyQuotaRepository(db),
    jobs: new KyselyJobQueue(db, engine, jobEnqueued),
    chunks: new KyselyChunkReferences(db, engine),
    leases: new KyselyNamedLeases(db, engine),
    nodes: new KyselyNodeRegistry(db, engine),
    replays: new KyselySignatureReplays(db, engine),
    shares: new KyselyImageShares(db),
    replicas: new KyselyImageReplicas(db),
    consoleSessions: new KyselyConsoleSessions(db, engine),
    imageBrowse: new KyselyImageBrowse(db, engine),
    imageInsights: new KyselyImageInsights(db, engine),
    gcRuns: new KyselyGcRunLog(db),
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
  readonly consoleSessions;
  readonly imageBrowse;
  readonly imageInsights;
  readonly gcRuns;
  readonly uploads;

  private readonly jobListeners = new Set<() => void>();
  /** PostgreSQL's catalogue versions kept in memory (see catalogue-version-feed.ts); none on SQLite. */
  readonly versionFeed: CatalogueVersionFeed | undefined;

  constructor(
    readonly db: Db,
    /** sqlite: the connection under `db`, whose change counters let catalogue versions be kept. */
    opts: { listenUrl?: string; onConnectionError?: (err: Error) => void; sqlite?: SQLite.Database } = {},
  ) {
    this.engine = engineOf(db);
    const reader = new KyselyImageRepository(db, this.engine);
    const read = (scopes: string[]) => reader.readVersions(scopes);
    if (opts.listenUrl !== undefined && this.engine === 'postgres') {
      this.versionFeed = new CatalogueVersionFeed(opts.listenUrl, { read, onConnectionError: opts.onConnectionError ?? (() => undefined) });
    }
    const kept = this.versionFeed ?? (opts.sqlite && this.engine === 'sqlite' ? new SqliteCatalogueVersions(opts.sqlite, read) : undefined);
    const r = repositories(db, this.engine, () => this.jobQueued(), kept);
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
    this.consoleSessions = r.consoleSessions;
    this.imageBrowse = r.imageBrowse;
    this.imageInsights = r.imageInsights;
    this.gcRuns = r.gcRuns;
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
    await this.versionFeed?.close();
    await this.db.destroy();
  }
}

function isRetryableConflict(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return code === '40P01' || code === '40001';
}

/** Opens (and migrates) the configured metadata store; `applied` names the migrations this run applied. */
export async function openMetadataStore(cfg: DatabaseConfig, opts: DatabaseOptions = {}): Promise<KyselyMetadataStore & { applied: string[] }> {
  const { db, applied, sqlite } = await openDatabase(cfg, opts);
  const listenUrl = cfg.kind === 'postgres' && cfg.catalogueNotices !== false ? cfg.url : undefined;
  return Object.assign(new KyselyMetadataStore(db, { listenUrl, onConnectionError: opts.onConnectionError, ...(sqlite ? { sqlite } : {}) }), { applied });
}
