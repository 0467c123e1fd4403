import type { JobPayloads } from '../jobs/job-payloads.ts';
import type { Attributes, Disk, Image, ImageKind, Instance, Job, JobKind, JobState, Manifest, Upload, UploadPart } from '../model.ts';
import type { Product } from '../products.ts';
import type { WorkProgress } from '../work-progress.ts';

/**
 * The metadata store as core sees it: repositories of domain methods, and a transaction
 * that hands out the same repositories bound to one transaction. Uniqueness and quota
 * are decided here (unique indexes, conditional UPDATEs) and surface as core errors
 * (`NameTaken`, `QuotaExceeded`); time that decides correctness (leases, node liveness)
 * is the database's clock, never a machine's.
 */
export interface MetadataStore extends Repositories {
  readonly engine: 'sqlite' | 'postgres';
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` each time this process has committed a new job, so a runner in the
   * same process claims it at once rather than at its next poll. Jobs queued by other
   * processes are found by polling. Returns a function that removes the listener.
   */
  onJobQueued(listener: () => void): () => void;
  /** Milliseconds since the epoch on the database clock. */
  now(): Promise<number>;
  /**
   * True when `e`, thrown by this store, says the store could not be reached (it may
   * answer later) rather than that it refused what was asked.
   */
  isUnavailable(e: unknown): boolean;
  close(): Promise<void>;
}

export interface Repositories {
  accounts: AccountRepository;
  tokens: TokenRepository;
  images: ImageRepository;
  instances: InstanceRepository;
  quota: QuotaRepository;
  jobs: JobQueue;
  chunks: ChunkReferences;
  leases: NamedLeases;
  nodes: NodeRegistry;
  replays: SignatureReplays;
  shares: ImageShares;
  replicas: ImageReplicas;
  consoleSessions: ConsoleSessions;
  imageBrowse: ImageBrowse;
  imageInsights: ImageInsights;
  gcRuns: GcRunLog;
  uploads: UploadRepository;
}

export interface ImageQuery {
  product: Product;
  projectId: string;
  /** Which kinds to list; base images are those offered to `product` (or to all). */
  kinds: ImageKind[];
  imageIds?: string[];
  osType?: string;
  /** Only images placed in this zone, or region; base images are offered in every one and not filtered. */
  zone?: string;
  region?: string;
  offset: number;
  limit: number;
  /** Also list other accounts' public images (community catalogues). */
  includePublicOf?: 'others';
  /**
   * newest (default) lists the latest first. oldest lists in creation order, so that
   * images created while a caller pages with Offset land after the pages already read
   * instead of shifting them (no duplicate, no gap).
   */
  order?: 'newest' | 'oldest';
}

/**
 * Every account's public images of one product: a community catalogue. Base images are
 * those offered to `product` or to every product.
 */
export interface PublicImageQuery {
  product: Product;
  kinds: ImageKind[];
  imageIds?: string[];
  /** Substring of the name, case-insensitive. */
  nameContains?: string;
  accountId?: string;
  states?: Image['state'][];
  offset: number;
  limit: number;
  /** newest (default) first, or oldest first: entries made while a caller pages then land after the pages read. */
  order?: 'newest' | 'oldest';
}

/** What an owner may change on an image; a name carries whether the product wants it unique. */
export interface ImageChanges {
  name?: { value: string; unique: boolean };
  description?: string;
  visibility?: Image['visibility'];
  /** Merged over the stored attributes; keys set to undefined are dropped. */
  attributes?: Attributes;
  /**
   * Merged into the object stored under each key (absent or not an object: empty), so
   * two changes of different fields of one nested object (a CompShare image's
   * `softwares`) both survive. Read and written under the same row lock as `attributes`.
   */
  attributeMerges?: Record<string, Attributes>;
}

/** The content an image was made of, as a job commits it. */
export interface CommittedContent extends Manifest {
  storedSize: number;
  /**
   * The image most of these chunks were taken from (a capture's backing image): its chunk
   * references are copied in one statement, less those this manifest no longer names,
   * rather than written key by key. Ignored when that image has no manifest any more.
   */
  inheritsFrom?: string;
}

export interface ImageRepository {
  /** Inserts an image (and counts it); a taken unique name throws NameTaken. */
  insert(image: Image, opts: { uniqueName: boolean }): Promise<void>;
  /**
   * Inserts many images in one transaction, all or none, as `insert` would one by one
   * (counted, their catalogues' versions moved); a taken unique name throws NameTaken.
   */
  insertMany(images: Image[], opts: { uniqueName: boolean }): Promise<void>;
  get(id: string): Promise<Image | undefined>;
  listByParent(parentId: string): Promise<Image[]>;
  list(q: ImageQuery): Promise<Image[]>;
  count(q: ImageQuery): Promise<number>;
  listPublic(q: PublicImageQuery): Promise<Image[]>;
  countPublic(q: PublicImageQuery): Promise<number>;
  uniqueNameTaken(accountId: string, product: Product, name: string): Promise<boolean>;
  /** Applies an owner's changes; a taken unique name throws NameTaken. */
  change(id: string, changes: ImageChanges): Promise<void>;
  /**
   * Commits an image's content and makes it available, only if it is still being made:
   * false (and nothing written) when it was deleted or failed meanwhile.
   */
  markAvailable(id: string, content: CommittedContent): Promise<boolean>;
  /** Fails an image that is still being made, with why; false if it is not being made. */
  markFailed(id: string, reason: string): Promise<boolean>;
  /** Deletes the image row, its manifest, its chunk references and its counter entry. */
  delete(image: Image): Promise<void>;
  getManifest(imageId: string): Promise<Manifest | undefined>;
  /**
   * A token that changes whenever an image of the project's catalogue of `product`
   * (and, with `withBase`, of the base images) is written; bumped in the writing
   * transaction, so listings can be cached against it across processes.
   */
  catalogueVersion(projectId: string, product: Product, withBase: boolean): Promise<string>;
  /**
   * Gives `toId` the manifest (and chunk references) of `fromId`, holding the source
   * against a concurrent delete; false if the source has no manifest (yet, or any more).
   */
  copyManifest(fromId: string, toId: string): Promise<boolean>;
  /**
   * Makes `toId`, a copy still being made, available with the content of `fromId` (its
   * manifest, chunk references and sizes), holding the source against a concurrent
   * delete: `sourceGone` if the source has no manifest any more, `targetGone` if the copy
   * was deleted or is no longer being made (nothing is written then).
   */
  commitCopy(fromId: string, toId: string): Promise<'committed' | 'sourceGone' | 'targetGone'>;
}

/** Images of one product shared with an account, in the order they were shared. */
export interface SharedImageQuery {
  accountId: string;
  product: Product;
  imageIds?: string[];
  zone?: string;
  offset: number;
  limit: number;
}

/**
 * Grants of an image to other accounts. A grant lets an account create instances from
 * the image; it goes with the image when the image is deleted.
 */
export interface ImageShares {
  /** Grants the image to each account; grants already there stay as they are. */
  grant(imageId: string, accountIds: string[]): Promise<void>;
  revoke(imageId: string, accountIds: string[]): Promise<void>;
  /** The accounts the image is shared with, in the order they were granted. */
  accountsOf(imageId: string): Promise<string[]>;
  isSharedWith(imageId: string, accountId: string): Promise<boolean>;
  /** Oldest grant first, so grants made while a caller pages land after the pages read. */
  listSharedWith(q: SharedImageQuery): Promise<Image[]>;
  countSharedWith(q: SharedImageQuery): Promise<number>;
}

export interface InstanceQuery {
  product: Product;
  projectId: string;
  ids?: string[];
  zone?: string;
  offset: number;
  limit: number;
}

/** What a conditional transition may change along with the state. */
export type InstanceChange = Partial<Pick<Instance, 'state' | 'operation' | 'name' | 'cpu' | 'memoryMb' | 'imageId' | 'osType' | 'osName' | 'attributes'>>;

export interface InstanceRepository {
  insert(instance: Instance, disks: Disk[]): Promise<void>;
  get(id: string): Promise<Instance | undefined>;
  disks(instanceId: string): Promise<Disk[]>;
  list(q: InstanceQuery): Promise<{ items: Instance[]; total: number }>;
  /**
   * Moves an instance between states only if it is where the caller expects: the
   * conditional UPDATE is what makes concurrent start/stop/capture calls safe.
   */
  transition(id: string, from: { states: Instance['state'][]; operation: Instance['operation'] }, to: InstanceChange): Promise<boolean>;
  /** Places an instance not yet placed on `nodeId`; false if it is on another node. */
  bindNode(id: string, nodeId: string): Promise<boolean>;
  /** Records where a disk was created on its node. */
  setDiskPath(diskId: string, path: string): Promise<void>;
  /** Points a disk row at a new file (a reinstall's new boot disk) or records its new size. */
  updateDisk(diskId: string, change: Partial<Pick<Disk, 'path' | 'sizeBytes' | 'sourceImageId'>>): Promise<void>;
  /** How many existing instances were created from each of the given images. */
  countByImage(imageIds: string[]): Promise<Map<string, number>>;
  /** Deletes the instance and its disk rows; false if it was already gone (so callers release once). */
  delete(id: string): Promise<boolean>;
}

/** An amount of compute an account holds or asks for. */
export interface ComputeUse {
  instances: number;
  disks: number;
  diskBytes: number;
}

export interface QuotaRepository {
  /** Takes one custom-image slot; throws QuotaExceeded when the account has `limit` already. */
  take(accountId: string, product: string, limit: number): Promise<void>;
  release(accountId: string, product: string): Promise<void>;
  /**
   * Locks the account's custom-image row until the transaction ends, so the image states a
   * giver-back reads next cannot change under it (a failure and a deletion racing would
   * otherwise both give the slot back).
   */
  lock(accountId: string, product: string): Promise<void>;
  /**
   * Adds `use` to what the account holds, all or nothing: throws InstanceQuotaExceeded or
   * DiskQuotaExceeded (disk count or provisioned bytes) when that would pass `limits`.
   */
  takeCompute(accountId: string, use: ComputeUse, limits: ComputeUse): Promise<void>;
  /** Gives back what takeCompute took (never below zero). */
  releaseCompute(accountId: string, use: ComputeUse): Promise<void>;
  /** What the account holds now. */
  computeUsage(accountId: string): Promise<ComputeUse>;
  /** Custom images held per product (what `take` counts). */
  imageUsage(accountId: string): Promise<Record<string, number>>;
}

export interface AccountRow {
  id: string;
  name: string;
  isAdmin: boolean;
}

export interface KeyRow {
  publicKey: string;
  accountId: string;
  privateKeySealed: string;
}

export interface AccountRepository {
  /** Creates the account, its default project and its key pair together. */
  create(a: { id: string; name: string; isAdmin: boolean; projectId: string; key: KeyRow }): Promise<void>;
  byName(name: string): Promise<AccountRow | undefined>;
  byId(id: string): Promise<AccountRow | undefined>;
  anyAdmin(): Promise<AccountRow | undefined>;
  key(publicKey: string): Promise<KeyRow | undefined>;
  /** Adds another key pair to an existing account (rotation: add the new, then revoke the old). */
  addKey(key: KeyRow): Promise<void>;
  /** Deletes a key pair; false if there was none. */
  deleteKey(publicKey: string): Promise<boolean>;
  defaultProject(accountId: string): Promise<string | undefined>;
  /** Adds another (not default) project to an existing account. */
  addProject(p: { id: string; accountId: string; name: string }): Promise<void>;
  projectBelongsTo(projectId: string, accountId: string): Promise<boolean>;
  /** Accounts by name, up to `limit` (the operator's list). */
  list(limit: number): Promise<AccountRow[]>;
  /** The public halves of an account's key pairs, oldest first. */
  publicKeysOf(accountId: string): Promise<string[]>;
}

export interface TokenRepository {
  insert(tokenSha256: string, accountId: string): Promise<void>;
  accountOf(tokenSha256: string): Promise<string | undefined>;
  /** Deletes a token; false if there was none. */
  delete(tokenSha256: string): Promise<boolean>;
}

/** What a worker holds while it runs a job: without a live lease it may not commit. */
export interface JobLease {
  jobId: string;
  token: string;
}

interface NewJobOf<K extends JobKind> {
  id: string;
  kind: K;
  payload: JobPayloads[K];
  imageId?: string;
  instanceId?: string;
  /** The account it works for: a claim shares a lane's workers between accounts. */
  accountId?: string | null;
  /** The node that must run it (it holds the instance's disks); any worker when absent. */
  nodeId?: string | null;
}

/** A job to queue, its payload typed by its kind. */
export type NewJob<K extends JobKind = JobKind> = K extends JobKind ? NewJobOf<K> : never;

/** How a claim shares a lane's workers between accounts (see JobQueue.claim). */
export interface ClaimShare {
  perAccount: number;
}

export interface JobQueue {
  enqueue(job: NewJob): Promise<void>;
  /**
   * Claims the runnable job (queued, or running with a lapsed lease) this node may run
   * that has waited longest in the queue, of `kinds` only when given, with a fresh lease
   * token and a deadline on the database clock. Queue order is by when a job was last
   * (re)queued, so a job that keeps failing goes behind newer work each time.
   *
   * With `share`, accounts take turns: the job comes from the account with the fewest
   * running jobs of `kinds` (any worker's), oldest first within an account, and an
   * account that already has `share.perAccount` jobs of `kinds` running under this
   * `owner` is passed over (0: no limit). Jobs without an account are never passed over.
   */
  claim(owner: string, nodeId: string, leaseMs: number, kinds?: readonly JobKind[], share?: ClaimShare): Promise<(Job & { lease: JobLease }) | undefined>;
  /** Renews the lease and records progress; false when the lease was lost. */
  heartbeat(lease: JobLease, leaseMs: number, progress?: WorkProgress): Promise<boolean>;
  /**
   * Ends the job as succeeded or failed, only while `lease` is live: throws LeaseLost
   * otherwise, so a commit in the same transaction rolls back (fencing).
   */
  finish(lease: JobLease, state: 'succeeded' | 'failed', error: string | null): Promise<void>;
  /**
   * Gives the job back to the queue, at its back, after a transient failure (no-op
   * without the lease). With `countAttempt: false` the try does not count against the
   * job's attempts: it failed because a store was unreachable, not because of the job.
   */
  requeue(lease: JobLease, error: string, opts?: { countAttempt?: boolean }): Promise<void>;
  /**
   * Ends every unfinished job making `imageId` as failed with `reason`, whoever holds it:
   * its worker's next heartbeat or commit fails (the lease token is gone) and it stops.
   * Returns the jobs it ended, so the caller can undo what they held.
   */
  cancelForImage(imageId: string, reason: string): Promise<Job[]>;
  get(id: string): Promise<Job | undefined>;
  latestForImage(imageId: string): Promise<Job | undefined>;
  countByState(): Promise<Record<string, number>>;
  /** Jobs in `states` of `kinds`, most recently changed first (the operator's queue view). */
  recent(q: { kinds: readonly JobKind[]; states: readonly JobState[]; limit: number }): Promise<Job[]>;
}

/**
 * What garbage collection needs to know about chunks, kept in the metadata store so it
 * holds across processes, hosts and object stores without timestamps:
 * - references: chunks a committed manifest uses;
 * - pending: chunks a writer (or reader) is about to use, recorded BEFORE it checks or
 *   uploads them, and dropped with the commit or when its job ends;
 * - doomed: chunks the collector announced it will delete. A writer that finds its
 *   chunk doomed waits until the collector is done with it, then uploads it again.
 */
export interface ChunkReferences {
  addPending(owner: string, keys: string[]): Promise<void>;
  /**
   * Holds every chunk `imageId`'s manifest names for `owner` as `addPending` of each would,
   * in one record: while the image lives its references keep them, and whatever drops those
   * references first turns the hold into pending records of `owner`. False (nothing held)
   * if the image has no manifest. Dropped by `clearPending`.
   */
  holdImage(owner: string, imageId: string): Promise<boolean>;
  /** Drops `owner`'s pending records and holds. */
  clearPending(owner: string): Promise<void>;
  /** Of `keys`, those referenced by a manifest or pending for any owner. */
  inUseAmong(keys: string[]): Promise<Set<string>>;
  /** Of `keys`, those a collector has announced for deletion. */
  doomedAmong(keys: string[]): Promise<Set<string>>;
  /** Announces the deletion of those of `keys` that are not in use; returns them. */
  doom(keys: string[]): Promise<string[]>;
  /**
   * The last word before deleting a doomed chunk: true if it is still unused (the doom
   * stands); false if a reference or pending use appeared, in which case it is spared.
   */
  confirmDoom(key: string): Promise<boolean>;
  /** Drops doom announcements once their chunks are deleted (or spared). */
  clearDoom(keys: string[]): Promise<void>;
  /** Doom announcements left behind, e.g. by a collector that died. */
  leftoverDoomed(limit: number): Promise<string[]>;
  /** Drops pending uses and holds whose owner job has ended, and stale ones of jobless owners. */
  prunePending(jobless: { olderThanMs: number }): Promise<number>;
}

/** Leases on a name (e.g. "one garbage collector at a time"), on the database clock. */
export interface NamedLeases {
  /** Takes or renews the lease for `owner`; false while another owner holds it. */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
  /** True while someone holds the lease. */
  held(name: string): Promise<boolean>;
}

/** Compute nodes that run workers, and where new instances go. */
export interface NodeRegistry {
  /** Records that the node is alive now (database clock). */
  beat(nodeId: string): Promise<void>;
  /** The live node (seen within `liveWithinMs`) holding the fewest instances, if any. */
  leastLoaded(liveWithinMs: number): Promise<string | undefined>;
  /** Every node with its last heartbeat and how long ago that was, both on the database clock. */
  list(): Promise<{ id: string; lastSeenAt: number; agoMs: number; instances: number }[]>;
}

/** One request's signature, offered to the replay record before the request is served. */
export interface SignatureUse {
  signature: string;
  action: string;
  /** The action changes state: the same signature may serve it once only. */
  changing: boolean;
  /**
   * How long after a signature is first seen it may still serve an action it has not
   * served yet. Zenlayer's signature leaves the action unsigned: one client may send a
   * read and a change with one body in one second, an attacker resends later.
   */
  switchWindowMs: number;
  /** How long the record is kept: until the signature could no longer pass the timestamp check. */
  ttlMs: number;
}

/**
 * `accepted`; `replayed`: this changing action was already served with this signature;
 * `switched`: the signature served other actions first, longer ago than the window.
 */
export type SignatureVerdict = 'accepted' | 'replayed' | 'switched';

/**
 * Which actions each request signature has served and when it was first seen, shared by
 * every API process through the store; times are on the database clock.
 */
export interface SignatureReplays {
  /**
   * Records the use unless it is refused. A read repeats freely; of two concurrent first
   * uses of one signature for one changing action, exactly one is accepted. An expired
   * record counts as absent.
   */
  use(u: SignatureUse): Promise<{ verdict: SignatureVerdict; firstSeenMsAgo?: number }>;
  /** Drops expired records; returns how many. */
  prune(): Promise<number>;
}

/** A copy of an image in another region; the image's own region is not one. */
export interface ImageReplica {
  imageId: string;
  region: string;
  state: 'syncing' | 'available' | 'failed';
  error: string | null;
  jobId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Copies of images in other regions (ZEC CopyImage), one per image and region. */
export interface ImageReplicas {
  /**
   * Inside a transaction: holds the image's copies against every other transaction that
   * holds them, until this one ends (a row lock on PostgreSQL; SQLite has one writer), so
   * "no copy is syncing" stays true between checking it and acting on it.
   */
  hold(imageId: string): Promise<void>;
  /**
   * Starts a copy to `region` made by `jobId`: true if the region had none or its last
   * one failed; false (nothing written) if a copy there is syncing or done. Decided by
   * the store (insert, or revive a failed row), so of two racing starts one wins.
   */
  start(imageId: string, region: string, jobId: string): Promise<boolean>;
  /** Ends a syncing copy as available or failed; false if none is syncing (it was deleted). */
  finish(imageId: string, region: string, outcome: { state: 'available' } | { state: 'failed'; error: string }): Promise<boolean>;
  of(imageIds: string[]): Promise<ImageReplica[]>;
  /** Deletes the copies in `regions`. */
  remove(imageId: string, regions: string[]): Promise<void>;
  /**
   * Makes `region`, where the image has an available copy, its own region (zone `zone`),
   * in place of the region it had: that copy's row goes, the image row moves.
   */
  rehome(imageId: string, region: string, zone: string): Promise<void>;
}

/**
 * Uploads of a disk image (src/upload) and their staged parts, kept in the shared store so
 * any API process can take the next PATCH. The offset moves only through `appendParts`,
 * conditional on the offset the writer started from, so two PATCHes racing on two
 * processes cannot both extend the same upload.
 */
export interface UploadRepository {
  insert(upload: Omit<Upload, 'expiresAt' | 'createdAt'>, expiresInMs: number): Promise<Upload>;
  get(id: string): Promise<Upload | undefined>;
  /** The upload feeding an image, if any. */
  forImage(imageId: string): Promise<Upload | undefined>;
  /** Unfinished (receiving) uploads of an account. */
  countReceiving(accountId: string): Promise<number>;
  /**
   * Records stored parts, contiguous and in order from `parts[0].start`, and moves the
   * offset past the last, in one step, if the upload is still receiving at exactly that
   * offset; pushes the expiry `expiresInMs` past now. False otherwise (another writer moved
   * it, or it is gone): nothing written. Several parts per step keep the receive path from
   * paying one transaction per 4 MiB.
   */
  appendParts(uploadId: string, parts: UploadPart[], expiresInMs: number): Promise<boolean>;
  /** The parts, in file order. */
  parts(uploadId: string): Promise<UploadPart[]>;
  /** receiving -> processing once every byte is in; false if another request did it first. */
  markProcessing(uploadId: string): Promise<boolean>;
  /** Receiving uploads past their expiry on the database clock, oldest first. */
  expired(limit: number): Promise<Upload[]>;
  /** Deletes the upload and its part rows (the chunks stay until garbage collection finds them unused). */
  delete(uploadId: string): Promise<void>;
}

/** A worker's lease on its job lapsed (another worker may own the job now): it must not commit. */
export class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
  constructor(jobId: string) {
    super(`lease on job ${jobId} was lost; its work is not committed`);
  }
}

/** What a console session was opened with: revoking it ends the session. */
export type SessionCredential = { kind: 'key'; publicKey: string } | { kind: 'token'; tokenSha256: string };

export interface ConsoleSession {
  accountId: string;
  credential: SessionCredential;
  csrfToken: string;
  createdAt: number;
  seenAt: number;
}

/**
 * The web console's server-side sessions and its record of failed sign-ins, kept on the
 * database clock so every API process agrees on what has expired.
 */
export interface ConsoleSessions {
  open(idSha256: string, s: { accountId: string; credential: SessionCredential; csrfToken: string }): Promise<void>;
  /**
   * The session if it is neither idle past `idleMs` nor older than `maxMs` (database
   * clock), marking it seen now (at most once per tenth of the idle window, up to a minute: idle expiry may be that late); an expired one is deleted and undefined returned.
   */
  touch(idSha256: string, limits: { idleMs: number; maxMs: number }): Promise<ConsoleSession | undefined>;
  close(idSha256: string): Promise<void>;
  /** Records one failed sign-in under each scope (an account, an address). */
  recordFailure(scopes: string[]): Promise<void>;
  /** Failed sign-ins under `scope` within the last `windowMs`. */
  failuresWithin(scope: string, windowMs: number): Promise<number>;
  /** Drops failures older than `windowMs` and sessions past their limits; returns how many rows went. */
  prune(windowMs: number, limits: { idleMs: number; maxMs: number }): Promise<number>;
}

/** One page of a project's images of one product, for people browsing (the web console). */
export interface ImageBrowseQuery {
  product: Product;
  projectId: string;
  kinds: ImageKind[];
  /** Substring of the name, case-insensitive. */
  nameContains?: string;
  state?: Image['state'];
  osType?: string;
  visibility?: Image['visibility'];
  sort: 'newest' | 'oldest' | 'name';
  /** Where the previous page ended (`next` of its answer); the first page without. */
  after?: string;
  limit: number;
}

/**
 * Keyset paging: each page continues after the last row of the one before, by an index,
 * so page 2,000 costs what page 1 does and rows added meanwhile neither repeat nor vanish.
 */
export interface ImageBrowse {
  /** `next` is an opaque cursor for the following page, absent on the last. */
  page(q: ImageBrowseQuery): Promise<{ items: Image[]; next?: string }>;
}

/** What an image page shows beyond the image row: where its bytes are and what made it. */
export interface ImageInsights {
  /**
   * Of the image's distinct non-zero chunks, how many are also referenced by another
   * image (deduplicated with it), and the chunk size they are cut at.
   */
  chunkSharing(imageId: string): Promise<{ chunks: number; shared: number; chunkSize: number }>;
  /** Every job that worked on the image, oldest first. */
  jobsOf(imageId: string): Promise<Job[]>;
  /** The account's images copied from `imageId` (any project or region), oldest first. */
  copiesOf(accountId: string, imageId: string): Promise<Image[]>;
}

/** What one garbage-collection run did, and the storage it left behind. */
export interface GcRun {
  id: string;
  startedAt: number;
  finishedAt: number;
  scanned: number;
  deleted: number;
  kept: number;
  keptInUse: number;
  storage: StorageSample;
}

/**
 * Storage at one moment: the bytes available images hold (each counted in full, as if
 * nothing were shared) and the bytes of the distinct chunks they reference, counted in
 * whole chunks (an image's last chunk may be shorter, so stored is a slight overcount).
 */
export interface StorageSample {
  logicalBytes: number;
  storedBytes: number;
  uniqueChunks: number;
}

export interface GcRunLog {
  record(run: GcRun): Promise<void>;
  /** The latest runs, newest first. */
  recent(limit: number): Promise<GcRun[]>;
  /** Storage now, with chunks of `chunkSize` bytes. */
  storageNow(chunkSize: number): Promise<StorageSample>;
}
