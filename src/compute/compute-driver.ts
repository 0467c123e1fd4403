import type { DiskReader } from '../disk/disk-reader.ts';
import type { Disk, Manifest } from '../core/model.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';

/**
 * Where instance disks live. Capture and materialisation run where the disk is, so the
 * driver hands out readers and writes images into disks itself.
 */
export interface ComputeDriver {
  /** Creates an empty disk of `sizeBytes` and returns its location. */
  createDisk(instanceId: string, index: number, sizeBytes: number): Promise<string>;
  /** Writes an image's data into a disk created by createDisk. */
  materialize(path: string, manifest: Manifest, blobs: BlobStore, onProgress?: (done: number, total: number) => void): Promise<void>;
  /** A reader over a stopped instance's disk. */
  openDisk(disk: Disk): Promise<DiskReader>;
  deleteInstance(instanceId: string): Promise<void>;
}
