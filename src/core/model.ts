import type { Product } from './products.ts';
import type { PhaseOf } from './work-progress.ts';

/** Who is calling: every request is scoped to one account and one of its projects. */
export interface Principal {
  accountId: string;
  projectId: string;
}

export type ImageKind = 'base' | 'custom' | 'snapshot';
export type ImageState = 'making' | 'available' | 'unavailable';
export type OsType = 'Linux' | 'Windows';

/** Product-specific attributes that core stores but does not interpret. */
export type Attributes = Record<string, unknown>;

export interface Image {
  id: string;
  product: Product | null; // null: a base image offered by every product
  accountId: string | null; // null: a base image owned by the installation
  projectId: string | null;
  region: string;
  zone: string;
  kind: ImageKind;
  name: string;
  description: string;
  osType: OsType;
  osName: string;
  state: ImageState;
  failedReason: string | null;
  virtualSize: number; // bytes
  storedSize: number; // bytes of non-zero chunks
  sourceInstanceId: string | null;
  parentImageId: string | null; // snapshots point at the image they were taken with
  visibility: 'private' | 'public';
  attributes: Attributes;
  createdAt: number; // ms
  updatedAt: number;
}

/** `deploy_failed`: its disks could not be made; it holds nothing on any node and can only be terminated.
 * `reinstalling`: a stopped instance getting a new boot disk from an image (a job on its node). */
export type InstanceState = 'initializing' | 'running' | 'stopped' | 'deploy_failed' | 'reinstalling';

export interface Instance {
  id: string;
  product: Product;
  accountId: string;
  projectId: string;
  region: string;
  zone: string;
  name: string;
  state: InstanceState;
  /** An operation that holds a stopped instance: a capture reads its disks, a resize grows them. */
  operation: 'imaging' | 'resizing' | null;
  /** The compute node holding its disks; null until a worker places it. */
  nodeId: string | null;
  imageId: string;
  cpu: number;
  memoryMb: number;
  gpuType: string | null;
  gpuCount: number;
  osType: OsType;
  osName: string;
  attributes: Attributes;
  createdAt: number;
  updatedAt: number;
}

export interface Disk {
  id: string;
  instanceId: string;
  index: number;
  isBoot: boolean;
  type: string;
  sizeBytes: number;
  path: string;
  /** The image or snapshot this disk was created from, if any. */
  sourceImageId: string | null;
}

/** The content of an image: fixed-size chunks of the virtual disk; null marks a hole. */
export interface Manifest {
  virtualSize: number;
  chunkSize: number;
  chunks: (string | null)[];
}

/**
 * materialize creates an instance's disks and fills them; release removes them; reinstall
 * gives an instance a new boot disk from an image; grow enlarges its disks; copy
 * commits images copied to another region or project (they share the source's chunks);
 * replicate makes a copy of an image in another region under the same id (ZEC).
 */
export type JobKind = 'capture' | 'import' | 'materialize' | 'release' | 'reinstall' | 'grow' | 'copy' | 'replicate';
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job {
  id: string;
  kind: JobKind;
  payload: Record<string, unknown>;
  state: JobState;
  attempts: number;
  imageId: string | null;
  instanceId: string | null;
  /** The account it works for; null for the installation's own work (base images). */
  accountId: string | null;
  /** The node that must run it; null lets any worker. */
  nodeId: string | null;
  /** The worker holding it (`host:pid:random`), while it runs. */
  leaseOwner: string | null;
  progressDone: number;
  /** null while the work's size cannot be known (see WorkProgress). */
  progressTotal: number | null;
  /** The step the counts are of, for work done in steps. */
  progressPhase: PhaseOf | null;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  updatedAt: number;
}

/**
 * A disk image file a client sends in pieces to Kiln's own upload endpoint (tus). Its
 * image exists (making) from creation; the bytes are staged as parts until all have
 * arrived, then an import job reads them through the same pipeline as a URL import.
 */
export interface Upload {
  id: string;
  accountId: string;
  projectId: string;
  product: Product;
  imageId: string;
  /** Declared size of the file. */
  length: number;
  /** Bytes made durable: where the next PATCH starts. */
  offset: number;
  /** The format claimed ('raw' | 'qcow2' | 'vmdk' | 'vhd'); the content decides. */
  format: 'raw' | 'qcow2' | 'vmdk' | 'vhd';
  /** `sha256:<64 hex>`, declared by the client. */
  checksum: string;
  state: 'receiving' | 'processing';
  expiresAt: number;
  createdAt: number;
}

/** A stretch `[start, start + length)` of an upload's file: a stored chunk, or zeros when chunkKey is null. */
export interface UploadPart {
  start: number;
  length: number;
  chunkKey: string | null;
}
