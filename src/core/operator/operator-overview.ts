import type { ComputeUse, GcRun, MetadataStore, StorageSample } from '../ports/metadata-store.ts';
import type { Job, JobKind, JobState } from '../model.ts';

export interface AccountOverview {
  id: string;
  name: string;
  isAdmin: boolean;
  publicKeys: string[];
  compute: ComputeUse;
  /** Custom images held per product. */
  images: Record<string, number>;
}

export interface NodeOverview {
  id: string;
  lastSeenAt: number;
  agoMs: number;
  live: boolean;
  instances: number;
}

/** Enough accounts for an operator's page; an installation with more uses the CLI. */
const ACCOUNT_LIMIT = 500;

/**
 * What the installation's operator (the admin account) reads about the whole
 * installation: every account with its keys and usage, the job queue and the nodes.
 * Read-only: changes to accounts and keys go through AccountService like the CLI's.
 */
export class OperatorOverview {
  constructor(private readonly deps: { store: MetadataStore; nodeLivenessMs: number; chunkSize: number }) {}

  async accounts(): Promise<AccountOverview[]> {
    const rows = await this.deps.store.accounts.list(ACCOUNT_LIMIT);
    return Promise.all(
      rows.map(async (a) => ({
        ...a,
        publicKeys: await this.deps.store.accounts.publicKeysOf(a.id),
        compute: await this.deps.store.quota.computeUsage(a.id),
        images: await this.deps.store.quota.imageUsage(a.id),
      })),
    );
  }

  /** Jobs of `kinds` in `state`, most recently changed first. */
  async jobs(kinds: readonly JobKind[], state: JobState, limit: number): Promise<Job[]> {
    return this.deps.store.jobs.recent({ kinds, states: [state], limit });
  }

  async job(id: string): Promise<Job | undefined> {
    return this.deps.store.jobs.get(id);
  }

  async jobCounts(): Promise<Record<string, number>> {
    return this.deps.store.jobs.countByState();
  }

  /** Nodes by id; live while their workers beat within the liveness window instances use. */
  async nodes(): Promise<NodeOverview[]> {
    const rows = await this.deps.store.nodes.list();
    return rows.map((n) => ({ ...n, live: n.agoMs <= this.deps.nodeLivenessMs }));
  }

  /** The latest garbage-collection runs, newest first, each with the storage it left. */
  async gcRuns(limit: number): Promise<GcRun[]> {
    return this.deps.store.gcRuns.recent(limit);
  }

  /** Logical vs stored bytes now. */
  async storageNow(): Promise<StorageSample> {
    return this.deps.store.gcRuns.storageNow(this.deps.chunkSize);
  }
}
