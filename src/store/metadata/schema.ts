import type { Generated } from 'kysely';

/** Row shapes as stored. Times are unix milliseconds. */
export interface AccountsTable {
  id: string;
  name: string;
  is_admin: number;
  created_at: number;
}

export interface ProjectsTable {
  id: string;
  account_id: string;
  name: string;
  is_default: number;
  created_at: number;
}

export interface ApiKeysTable {
  public_key: string;
  account_id: string;
  /** AES-256-GCM sealed with the installation's master key, which is kept outside the database. */
  private_key_sealed: string;
  created_at: number;
}

export interface ApiTokensTable {
  /** Hex SHA-256 of the token; the token itself is shown once and never stored. */
  token_sha256: string;
  account_id: string;
  created_at: number;
}

export interface ImagesTable {
  seq: Generated<number>;
  id: string;
  product: string | null;
  account_id: string | null;
  project_id: string | null;
  region: string;
  zone: string;
  kind: string;
  name: string;
  /** Set only where the product wants unique names, so one unique index enforces it. */
  unique_name: string | null;
  description: string;
  os_type: string;
  os_name: string;
  state: string;
  failed_reason: string | null;
  virtual_size: number;
  stored_size: number;
  source_instance_id: string | null;
  parent_image_id: string | null;
  visibility: string;
  /** JSON: TEXT on SQLite, jsonb on PostgreSQL (which hands it back parsed). */
  attributes: string | Record<string, unknown>;
  created_at: number;
  updated_at: number;
}

export interface ImageCountsTable {
  project_id: string;
  product: string;
  kind: string;
  count: number;
}

/** image_counts per region and zone, for listings filtered by place. */
export interface ImagePlaceCountsTable {
  project_id: string;
  product: string;
  kind: string;
  region: string;
  zone: string;
  count: number;
}

export interface AccountImageQuotaTable {
  account_id: string;
  product: string;
  used: number;
}

export interface ManifestsTable {
  image_id: string;
  virtual_size: number;
  chunk_size: number;
  /** The chunk keys, holes as null: see manifest-encoding.ts. */
  chunks: Buffer;
}

export interface InstancesTable {
  id: string;
  product: string;
  account_id: string;
  project_id: string;
  region: string;
  zone: string;
  name: string;
  state: string;
  operation: string | null;
  image_id: string;
  cpu: number;
  memory_mb: number;
  gpu_type: string | null;
  gpu_count: number;
  os_type: string;
  os_name: string;
  attributes: string | Record<string, unknown>;
  node_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface DisksTable {
  id: string;
  instance_id: string;
  idx: number;
  is_boot: number;
  type: string;
  size_bytes: number;
  path: string;
  source_image_id: string | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  state: string;
  attempts: number;
  image_id: string | null;
  instance_id: string | null;
  /** The account the job works for (its image's or instance's); null for the installation's own work. */
  account_id: string | null;
  lease_owner: string | null;
  /** New at every claim; a commit must present it while the lease is live (fencing). */
  lease_token: string | null;
  /** Database-clock milliseconds. */
  lease_expires_at: number | null;
  node_id: string | null;
  progress_done: number;
  /** -1 while the work's size is unknown (the column predates unknown totals and is NOT NULL). */
  progress_total: number;
  /** The step the counts are of (ProgressPhase), with its 1-based index and the number of steps; null and 0 for one-step work. */
  progress_phase: string | null;
  progress_phase_index: number;
  progress_phase_count: number;
  error: string | null;
  created_at: number;
  /** The job's place in the queue (database clock): set when it is enqueued and again when it is requeued. */
  queued_at: number;
  started_at: number | null;
  updated_at: number;
}

/** What an account holds: instances, their disks, and the bytes provisioned for those disks. */
export interface AccountComputeUsageTable {
  account_id: string;
  instances: number;
  disks: number;
  disk_bytes: number;
}

/**
 * An action a signature was accepted for, and when (database clock); kept until the
 * signature could no longer pass the timestamp check.
 */
export interface SignatureReplaysTable {
  signature: string;
  action: string;
  first_seen_at: number;
  expires_at: number;
}

export interface ConsoleSessionsTable {
  id_sha256: string;
  account_id: string;
  /** `key`: credential is a public key; `token`: the SHA-256 of an API token. */
  credential_kind: string;
  credential: string;
  csrf_token: string;
  created_at: number;
  seen_at: number;
}

export interface ConsoleSignInFailuresTable {
  /** `account:NAME-OR-KEY` or `address:IP`. */
  scope: string;
  at: number;
}

export interface GcRunsTable {
  id: string;
  started_at: number;
  finished_at: number;
  scanned: number;
  deleted: number;
  kept: number;
  kept_in_use: number;
  logical_bytes: number;
  stored_bytes: number;
  unique_chunks: number;
}

export interface NodesTable {
  id: string;
  last_seen_at: number;
}

export interface LeasesTable {
  name: string;
  owner: string;
  expires_at: number;
}

/** One row per distinct chunk an image's manifest uses: what garbage collection keeps. */
export interface ImageChunksTable {
  image_id: string;
  chunk_key: string;
}

export interface PendingChunksTable {
  /** A job id, or another writer's own id (e.g. `base:<image id>`). */
  owner: string;
  chunk_key: string;
  created_at: number;
}

/** A writer's hold on every chunk an image's manifest names (image-holds.ts). */
export interface ImageHoldsTable {
  /** A job id, as in pending_chunks. */
  owner: string;
  image_id: string;
  created_at: number;
}

export interface DoomedChunksTable {
  chunk_key: string;
  created_at: number;
}

export interface CatalogueVersionsTable {
  /** `base`, or `p:<project>:<product>`. */
  scope: string;
  version: number;
}

export interface ImageSharesTable {
  seq: Generated<number>;
  image_id: string;
  account_id: string;
  created_at: number;
}

/** A copy of an image in another region (ZEC CopyImage). */
export interface ImageReplicasTable {
  image_id: string;
  region: string;
  /** syncing, available or failed. */
  state: string;
  error: string | null;
  /** The job making the copy, for its progress. */
  job_id: string | null;
  created_at: number;
  updated_at: number;
}

/** An upload of a disk image through Kiln's own endpoint (src/upload). */
export interface UploadsTable {
  id: string;
  account_id: string;
  project_id: string;
  product: string;
  image_id: string;
  /** Declared size of the file (Upload-Length). */
  length: number;
  /** Bytes made durable as staged parts: where the next PATCH starts. */
  received: number;
  format: string;
  /** `sha256:<hex>`, verified over the whole file before the image can be available. */
  checksum: string;
  /** receiving, or processing once every byte has arrived and the import job is queued. */
  state: string;
  /** On the database clock; pushed forward with every stored part. */
  expires_at: number;
  created_at: number;
}

/** A stretch of an upload's file: a chunk in the blob store, or a hole (chunk_key null) when all zeros. */
export interface UploadPartsTable {
  upload_id: string;
  start: number;
  length: number;
  chunk_key: string | null;
}

export interface Database {
  accounts: AccountsTable;
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  api_tokens: ApiTokensTable;
  images: ImagesTable;
  image_counts: ImageCountsTable;
  image_place_counts: ImagePlaceCountsTable;
  account_image_quota: AccountImageQuotaTable;
  account_compute_usage: AccountComputeUsageTable;
  signature_replays: SignatureReplaysTable;
  console_sessions: ConsoleSessionsTable;
  gc_runs: GcRunsTable;
  console_sign_in_failures: ConsoleSignInFailuresTable;
  manifests: ManifestsTable;
  instances: InstancesTable;
  disks: DisksTable;
  jobs: JobsTable;
  nodes: NodesTable;
  leases: LeasesTable;
  image_chunks: ImageChunksTable;
  pending_chunks: PendingChunksTable;
  image_holds: ImageHoldsTable;
  doomed_chunks: DoomedChunksTable;
  catalogue_versions: CatalogueVersionsTable;
  image_shares: ImageSharesTable;
  image_replicas: ImageReplicasTable;
  uploads: UploadsTable;
  upload_parts: UploadPartsTable;
}
