import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Disk, Manifest } from '../core/model.ts';
import type { DiskReader } from '../disk/disk-reader.ts';
import { createQcow2Overlay, growQcow2Overlay } from '../disk/qcow2-overlay.ts';
import { Qcow2OverlayReader } from '../disk/qcow2-overlay-reader.ts';
import { RawReader } from '../disk/raw-reader.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { ComputeDriver, DiskFormatOnNode } from '../core/ports/compute-driver.ts';
import type { ImageCache } from './image-cache/image-cache.ts';

/**
 * Instances on this machine, under the data dir: a disk made from an image is a qcow2
 * overlay on that image's entry in the node's image cache (written once per node, shared
 * by every disk made from it); an empty disk is a sparse raw file.
 */
export class LocalComputeDriver implements ComputeDriver {
  constructor(
    private readonly root: string,
    readonly cache: ImageCache,
  ) {}

  private dirOf(instanceId: string): string {
    if (!/^[a-z0-9-]+$/.test(instanceId)) throw new Error(`invalid instance id ${instanceId}`);
    return join(this.root, instanceId);
  }

  private async diskFile(instanceId: string, index: number, extension: 'raw' | 'qcow2', generation?: string): Promise<string> {
    const dir = this.dirOf(instanceId);
    await mkdir(dir, { recursive: true });
    if (generation !== undefined && !/^[a-z0-9-]+$/.test(generation)) throw new Error(`invalid disk generation ${generation}`);
    return join(dir, generation === undefined ? `disk-${index}.${extension}` : `disk-${index}.${generation}.${extension}`);
  }

  async createDisk(instanceId: string, index: number, sizeBytes: number, generation?: string): Promise<string> {
    const path = await this.diskFile(instanceId, index, 'raw', generation);
    const fh = await open(path, 'w');
    try {
      await fh.truncate(sizeBytes);
    } finally {
      await fh.close();
    }
    return path;
  }

  async createImageDisk(
    instanceId: string,
    index: number,
    sizeBytes: number,
    image: { id: string; manifest: Manifest },
    blobs: BlobStore,
    opts: { generation?: string; onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
  ): Promise<string> {
    const path = await this.diskFile(instanceId, index, 'qcow2', opts.generation);
    const backing = await this.cache.pin(image.id, image.manifest, blobs, pinOf(path), opts);
    await createQcow2Overlay(path, Math.max(sizeBytes, image.manifest.virtualSize), backing.path);
    return path;
  }

  async growDisk(path: string, sizeBytes: number): Promise<void> {
    if (isOverlay(path)) return growQcow2Overlay(path, sizeBytes);
    const fh = await open(path, 'r+');
    try {
      // Extending a sparse file allocates nothing; repeating it (a retried job) is harmless.
      if ((await fh.stat()).size < sizeBytes) await fh.truncate(sizeBytes);
    } finally {
      await fh.close();
    }
  }

  async removeDisk(instanceId: string, path: string): Promise<void> {
    // Only files of this instance's own directory: a path comes from the metadata store.
    if (dirname(path) !== this.dirOf(instanceId)) throw new Error(`${path} is not a disk of instance ${instanceId}`);
    await rm(path, { force: true });
    await this.cache.unpin(pinOf(path));
  }

  /**
   * A raw disk reads only where the file holds data, when the filesystem can say; an
   * overlay reads its own clusters over its cache entry, and with `overlayOnly` lists
   * only the clusters it holds as extents.
   */
  async openDisk(disk: Disk, opts: { overlayOnly?: boolean } = {}): Promise<DiskReader> {
    if (!isOverlay(disk.path)) return RawReader.open(disk.path);
    return Qcow2OverlayReader.open(disk.path, { trustedDir: this.cache.dir, overlayOnly: opts.overlayOnly ?? false });
  }

  async backingImageOf(disk: Disk): Promise<string | undefined> {
    if (!isOverlay(disk.path)) return undefined;
    const name = await Qcow2OverlayReader.backingFileOf(disk.path);
    if (name === undefined || dirname(name) !== this.cache.dir || !name.endsWith('.raw')) return undefined;
    return basename(name, '.raw');
  }

  async diskFormat(path: string): Promise<DiskFormatOnNode> {
    return diskFormatOf(path);
  }

  async checkCanCreate(sizeBytes: number): Promise<void> {
    await mkdir(this.root, { recursive: true });
    // A sparse file of that size costs no space; the filesystem refuses sizes past its
    // largest file (EFBIG, e.g. 16 TiB on ext4) exactly as createDisk would.
    const probe = join(this.root, `.size-probe-${randomBytes(4).toString('hex')}`);
    try {
      const fh = await open(probe, 'w');
      try {
        await fh.truncate(sizeBytes);
      } finally {
        await fh.close();
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new Error(`cannot create a disk of ${sizeBytes} bytes under ${this.root} (${code})`, { cause: e });
    } finally {
      await rm(probe, { force: true });
    }
  }

  async deleteInstance(instanceId: string): Promise<void> {
    await rm(this.dirOf(instanceId), { recursive: true, force: true });
  }
}

/**
 * A disk's format is its name's, which Kiln chose, never its content's: a guest may write
 * a qcow2 header into a raw disk, and reading that as an overlay would let it name another
 * image of the node's cache as its backing file.
 */
export function diskFormatOf(path: string): DiskFormatOnNode {
  return path.endsWith('.qcow2') ? 'qcow2' : 'raw';
}

function isOverlay(path: string): boolean {
  return diskFormatOf(path) === 'qcow2';
}

/** The hard link that pins a disk's cache entry, beside the disk. */
function pinOf(diskPath: string): string {
  return `${diskPath}.backing`;
}
