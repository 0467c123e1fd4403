import type { DiskReader } from '../../disk/disk-reader.ts';
import type { Disk, Manifest } from '../model.ts';
import type { BlobStore } from './blob-store.ts';

/**
 * Where instance disks live: one driver per compute node. Capture, materialisation and
 * release run on the node that holds the disks (jobs are routed there), so the driver
 * is only ever asked about disks of its own node.
 */
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
  /** Writes an image's data into a disk created by createDisk. */
  materialize(path: string, manifest: Manifest, blobs: BlobStore, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void>;
  /** A reader over a stopped instance's disk. */
  openDisk(disk: Disk): Promise<DiskReader>;
  /**
   * Throws unless this node can create a disk of `sizeBytes` (e.g. the filesystem's
   * largest file); run at start so the largest size the API accepts is one every
   * worker can create.
   */
  checkCanCreate(sizeBytes: number): Promise<void>;
  /** Removes every disk of the instance; removing a missing instance is not an error. */
  deleteInstance(instanceId: string): Promise<void>;
}
