import type { DiskReader } from '../../disk/disk-reader.ts';
import type { Disk, Manifest } from '../model.ts';
import type { BlobStore } from './blob-store.ts';

/**
 * Where instance disks live: one driver per compute node. Capture, materialisation and
 * release run on the node that holds the disks (jobs are routed there), so the driver
 * is only ever asked about disks of its own node.
 */
export type DiskFormatOnNode = 'raw' | 'qcow2';

export interface ComputeDriver {
  /**
   * Creates an empty disk of `sizeBytes` and returns its location on this node. A
   * `generation` names a second file for the same slot, written beside the disk it will
   * replace (a reinstall), so the old disk stays whole until the new one is committed.
   */
  createDisk(instanceId: string, index: number, sizeBytes: number, generation?: string): Promise<string>;
  /** Enlarges a disk to `sizeBytes` (the new space reads as zeros); never shrinks one. */
  growDisk(path: string, sizeBytes: number): Promise<void>;
  /** Removes one disk file of the instance; a missing file is not an error. */
  removeDisk(instanceId: string, path: string): Promise<void>;
  /**
   * Creates a disk of `sizeBytes` holding an image (its location, as createDisk): on the
   * local driver an overlay on the node's cached copy of the image, filled from the blob
   * store when the node does not hold it yet.
   */
  createImageDisk(
    instanceId: string,
    index: number,
    sizeBytes: number,
    image: { id: string; manifest: Manifest },
    blobs: BlobStore,
    opts?: { generation?: string; onProgress?: (done: number, total: number) => void; signal?: AbortSignal },
  ): Promise<string>;
  /**
   * A reader over a stopped instance's disk. With `overlayOnly`, a disk made from an image
   * lists as extents only what was written since (backingImageOf names the image whose
   * chunks the rest is); reads always return what a guest sees.
   */
  openDisk(disk: Disk, opts?: { overlayOnly?: boolean }): Promise<DiskReader>;
  /** The image whose bytes show where the disk was never written, if it is an overlay. */
  backingImageOf(disk: Disk): Promise<string | undefined>;
  /** How the disk file is stored, for operators and guests writing into it. */
  diskFormat(path: string): Promise<DiskFormatOnNode>;
  /**
   * Throws unless this node can create a disk of `sizeBytes` (e.g. the filesystem's
   * largest file); run at start so the largest size the API accepts is one every
   * worker can create.
   */
  checkCanCreate(sizeBytes: number): Promise<void>;
  /** Removes every disk of the instance; removing a missing instance is not an error. */
  deleteInstance(instanceId: string): Promise<void>;
}
