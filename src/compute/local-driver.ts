import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Disk, Manifest } from '../core/model.ts';
import { RawReader } from '../disk/raw-reader.ts';
import type { BlobStore } from '../core/ports/blob-store.ts';
import type { ComputeDriver } from '../core/ports/compute-driver.ts';

/** Instances on this machine: every disk is a sparse raw file under the data dir. */
export class LocalComputeDriver implements ComputeDriver {
  constructor(private readonly root: string) {}

  private dirOf(instanceId: string): string {
    if (!/^[a-z0-9-]+$/.test(instanceId)) throw new Error(`invalid instance id ${instanceId}`);
    return join(this.root, instanceId);
  }

  async createDisk(instanceId: string, index: number, sizeBytes: number, generation?: string): Promise<string> {
    const dir = this.dirOf(instanceId);
    await mkdir(dir, { recursive: true });
    if (generation !== undefined && !/^[a-z0-9-]+$/.test(generation)) throw new Error(`invalid disk generation ${generation}`);
    const path = join(dir, generation === undefined ? `disk-${index}.raw` : `disk-${index}.${generation}.raw`);
    const fh = await open(path, 'w');
    try {
      await fh.truncate(sizeBytes);
    } finally {
      await fh.close();
    }
    return path;
  }

  async materialize(
    path: string,
    manifest: Manifest,
    blobs: BlobStore,
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const fh = await open(path, 'r+');
    try {
      const present = manifest.chunks.map((key, index) => ({ key, index })).filter((c): c is { key: string; index: number } => c.key !== null);
      let done = 0;
      let next = 0;
      // A few chunks at once keeps the disk busy without holding many buffers.
      const worker = async () => {
        const buf = Buffer.allocUnsafe(manifest.chunkSize);
        while (next < present.length) {
          signal?.throwIfAborted();
          const { key, index } = present[next++]!;
          const n = await blobs.readInto(key, buf);
          let off = 0;
          while (off < n) {
            const { bytesWritten } = await fh.write(buf, off, n - off, index * manifest.chunkSize + off);
            off += bytesWritten;
          }
          onProgress?.(++done, present.length);
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  async growDisk(path: string, sizeBytes: number): Promise<void> {
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
  }

  /** Reads only where the disk file holds data, when the filesystem can say (RawReader over a local file). */
  async openDisk(disk: Disk): Promise<RawReader> {
    return RawReader.open(disk.path);
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
