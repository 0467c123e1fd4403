import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { ABANDONED_AFTER_MS, FILL_PREFIX, ImageCache } from '../../../src/compute/image-cache/image-cache.ts';
import { LocalComputeDriver } from '../../../src/compute/local-driver.ts';
import { writeManifest } from '../../../src/compute/write-manifest.ts';
import type { Disk, Manifest } from '../../../src/core/model.ts';
import type { BlobStore } from '../../../src/core/ports/blob-store.ts';
import { chunkDisk, type ChunkSink } from '../../../src/disk/chunker.ts';
import { chunkOverlay } from '../../../src/disk/overlay-capture.ts';
import { RawReader } from '../../../src/disk/raw-reader.ts';
import { LocalBlobStore } from '../../../src/store/blob/local-blob-store.ts';
import { patternBlock, writeSparseDisk } from '../../support/disk-files.ts';
import { guestWrite, qemuIo, virtualSize } from '../../support/guest-disk.ts';

/**
 * The local driver's disks on real files: the node's image cache (hit, miss, one fill for
 * concurrent deployments, eviction of unused entries only, a fill cut short) and captures
 * of overlays that read only what the overlay holds, checked against qemu-img.
 */

const run = promisify(execFile);
const MiB = 1024 * 1024;
const CHUNK = 4 * MiB;
let dir: string;
let blobs: LocalBlobStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-overlay-'));
  blobs = new LocalBlobStore(join(dir, 'blobs'), false);
  await blobs.init();
});
after(async () => {
  await blobs.close();
  await rm(dir, { recursive: true, force: true });
});

/** An image in the blob store: a sparse raw file of `size` with data at the given writes. */
async function image(
  name: string,
  size: number,
  writes: { offset: number; length: number; seed: number }[],
): Promise<{ id: string; manifest: Manifest; file: string }> {
  const file = join(dir, `${name}.src.raw`);
  await writeSparseDisk(file, size, writes);
  const reader = await RawReader.open(file);
  try {
    const c = await chunkDisk(reader, blobs, { chunkSize: CHUNK, hashPool: 'inline' });
    return { id: name, manifest: { virtualSize: c.virtualSize, chunkSize: c.chunkSize, chunks: c.chunks }, file };
  } finally {
    await reader.close();
  }
}

/**
 * Counts the chunk reads a fill makes (read into a buffer, or copied by the kernel), so a
 * cache hit can be told from a miss. `copies: false` hides copyInto, as from S3.
 */
function countingBlobs(inner: BlobStore, opts: { copies?: boolean } = {}): { blobs: BlobStore; reads: () => number; copies: () => number } {
  let reads = 0;
  let copies = 0;
  const counted = Object.create(inner) as BlobStore;
  counted.readInto = (key, buf) => {
    reads++;
    return inner.readInto(key, buf);
  };
  counted.copyInto =
    opts.copies === false
      ? undefined
      : (key, fd, at, max) => {
          copies++;
          return inner.copyInto!(key, fd, at, max);
        };
  return { blobs: counted, reads: () => reads + copies, copies: () => copies };
}

function driver(name: string, budgetBytes = 1024 * MiB): LocalComputeDriver {
  return new LocalComputeDriver(join(dir, name, 'instances'), new ImageCache(join(dir, name, 'image-cache'), budgetBytes));
}

const disk = (instanceId: string, path: string): Disk => ({
  id: `d-${instanceId}`,
  instanceId,
  index: 0,
  isBoot: true,
  type: 'CLOUD_SSD',
  sizeBytes: 0,
  path,
  sourceImageId: null,
});

test('a cache miss fills the entry once; later disks of the image on the node reuse it (qemu reads the image through each)', async () => {
  const img = await image('img-hit', 24 * MiB, [{ offset: 0, length: 9 * MiB, seed: 1 }]);
  const d = driver('hit');
  const counted = countingBlobs(blobs);
  const first = await d.createImageDisk('i-1', 0, 64 * MiB, img, counted.blobs);
  assert.equal(counted.reads(), 3, 'the miss reads the three chunks that hold data');
  const second = await d.createImageDisk('i-2', 0, 64 * MiB, img, counted.blobs);
  assert.equal(counted.reads(), 3, 'the hit reads nothing');
  assert.equal(await d.diskFormat(first), 'qcow2');
  assert.equal(await virtualSize(second), 64 * MiB);
  for (const p of [first, second]) {
    // qemu-img compare: the overlay reads as the image, then zeros to its larger size.
    await run('qemu-img', ['compare', '-f', 'qcow2', '-F', 'raw', p, img.file]);
  }
  const stats = await d.cache.stats();
  assert.deepEqual(
    stats.entries.map((e) => [e.imageId, e.disks]),
    [['img-hit', 2]],
  );
  await d.removeDisk('i-1', first);
  assert.equal((await d.cache.stats()).entries[0]!.disks, 1, 'removing a disk drops its pin');
});

for (const copies of [true, false]) {
  const how = copies ? 'copied by the kernel from local chunk files' : 'read through buffers (a store without copyInto, as S3)';
  test(`a fill ${how} writes only the blocks that hold data: zeros inside a stored chunk stay holes in the entry`, async () => {
    // Two 4 MiB chunks, each with 1 MiB of data and 3 MiB of zeros.
    const img = await image(`img-holes-${copies}`, 8 * MiB, [
      { offset: 512 * 1024, length: MiB, seed: 12 },
      { offset: 7 * MiB, length: MiB, seed: 13 },
    ]);
    assert.equal(img.manifest.chunks.filter((c) => c !== null).length, 2);
    const d = driver(`holes-${copies}`);
    const counted = countingBlobs(blobs, { copies });
    const p = await d.createImageDisk('h-1', 0, 8 * MiB, img, counted.blobs);
    assert.deepEqual([counted.copies(), counted.reads()], copies ? [2, 2] : [0, 2]);
    const entry = (await d.cache.stats()).entries[0]!;
    assert.ok(entry.allocatedBytes <= 2 * MiB + 64 * 1024, `2 MiB of data allocates about 2 MiB, not 8: ${entry.allocatedBytes}`);
    await run('qemu-img', ['compare', '-f', 'qcow2', '-F', 'raw', p, img.file]);
  });
}

test('concurrent deployments of one image fill its entry once; the others wait for it', async () => {
  const img = await image('img-race', 32 * MiB, [{ offset: 0, length: 32 * MiB, seed: 2 }]);
  const d = driver('race');
  const counted = countingBlobs(blobs);
  const paths = await Promise.all([1, 2, 3, 4].map((n) => d.createImageDisk(`r-${n}`, 0, 32 * MiB, img, counted.blobs)));
  assert.equal(counted.reads(), 8, 'eight chunks read once, not four times');
  for (const p of paths) await run('qemu-img', ['compare', p, img.file]);
});

test('eviction takes least recently used entries no disk uses, never one a disk is backed by', async () => {
  const a = await image('img-a', 8 * MiB, [{ offset: 0, length: 8 * MiB, seed: 3 }]);
  const b = await image('img-b', 8 * MiB, [{ offset: 0, length: 8 * MiB, seed: 4 }]);
  const c = await image('img-c', 8 * MiB, [{ offset: 0, length: 8 * MiB, seed: 5 }]);
  // Room for two 8 MiB entries.
  const d = driver('evict', 20 * MiB);
  const pa = await d.createImageDisk('e-a', 0, 8 * MiB, a, blobs);
  const pb = await d.createImageDisk('e-b', 0, 8 * MiB, b, blobs);
  await d.removeDisk('e-b', pb); // b is unused now; a is still in use
  const old = new Date(Date.now() - 60_000);
  await utimes(d.cache.entryPath('img-a'), old, old); // a is the least recently used, but pinned
  await d.createImageDisk('e-c', 0, 8 * MiB, c, blobs);
  const ids = (await d.cache.stats()).entries.map((e) => e.imageId).sort();
  assert.deepEqual(ids, ['img-a', 'img-c'], 'the unused entry went; the pinned one stayed though older');
  await run('qemu-img', ['compare', pa, a.file]);
  // Every disk gone: the budget now takes the oldest.
  await d.deleteInstance('e-a');
  await d.deleteInstance('e-c');
  const tiny = new ImageCache(d.cache.dir, 10 * MiB);
  assert.deepEqual(await tiny.evict(), ['img-a']);
});

test('a fill cut short is never used: the entry is filled again and the leftover is removed', async () => {
  const img = await image('img-crash', 16 * MiB, [{ offset: 4 * MiB, length: 8 * MiB, seed: 6 }]);
  const d = driver('crash');
  // What a worker killed mid-fill leaves: a temporary file with part of the image.
  const cacheDir = d.cache.dir;
  await run('mkdir', ['-p', cacheDir]);
  const leftover = join(cacheDir, `${FILL_PREFIX}img-crash-deadbeef0000`);
  await writeFile(leftover, patternBlock(6, MiB));
  await truncate(leftover, 16 * MiB);
  const stale = new Date(Date.now() - ABANDONED_AFTER_MS - 60_000);
  await utimes(leftover, stale, stale);
  const counted = countingBlobs(blobs);
  const p = await d.createImageDisk('c-1', 0, 16 * MiB, img, counted.blobs);
  assert.equal(counted.reads(), 2, 'the image was read again');
  await run('qemu-img', ['compare', p, img.file]);
  assert.deepEqual(await readdir(cacheDir), ['img-crash.raw']);
  // A fill aborted in this process leaves nothing either, and publishes nothing.
  const other = await image('img-abort', 16 * MiB, [{ offset: 0, length: 16 * MiB, seed: 7 }]);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(d.createImageDisk('c-2', 0, 16 * MiB, other, blobs, { signal: ac.signal }));
  assert.deepEqual(await readdir(cacheDir), ['img-crash.raw']);
});

test('a capture of an overlay reads only its written chunks and equals what qemu reads, zeroed and discarded clusters included', async () => {
  // 64 MiB image, data nearly everywhere; the disk is larger than the image.
  const img = await image('img-cap', 64 * MiB, [{ offset: 0, length: 60 * MiB, seed: 8 }]);
  const d = driver('cap');
  const path = await d.createImageDisk('cap-1', 0, 80 * MiB, img, blobs);
  await guestWrite(path, 5 * MiB + 100, patternBlock(9, 300)); // chunk 1
  await qemuIo(path, `write -z ${20 * MiB} ${128 * 1024}`); // chunk 5: clusters written back to zero
  await qemuIo(path, `discard ${32 * MiB} ${MiB}`); // chunk 8: discarded (reads as zero over a backing file)
  await guestWrite(path, 70 * MiB, patternBlock(10, MiB)); // chunk 17, past the image's end

  const hashed: string[] = [];
  const sink: ChunkSink = {
    putIfAbsent: (key, data, length) => {
      hashed.push(key);
      return blobs.putIfAbsent(key, data, length);
    },
  };
  const reader = await d.openDisk(disk('cap-1', path), { overlayOnly: true });
  const captured = await chunkOverlay(reader, img.manifest, sink, { chunkSize: CHUNK, hashPool: 'inline' });
  await reader.close();
  assert.equal(hashed.length, 4, `only the four written chunks were read and hashed: ${hashed.length}`);
  assert.equal(await d.backingImageOf(disk('cap-1', path)), 'img-cap');

  // The same disk read whole gives the same keys.
  const whole = await d.openDisk(disk('cap-1', path));
  const full = await chunkDisk(whole, blobs, { chunkSize: CHUNK, hashPool: 'inline' });
  await whole.close();
  assert.deepEqual(captured.chunks, full.chunks);
  assert.equal(captured.storedSize, full.storedSize);

  // And the captured image, written out, is what the guest reads.
  const out = join(dir, 'captured.raw');
  await writeFile(out, '');
  await truncate(out, captured.virtualSize);
  await writeManifest(out, captured, blobs);
  await run('qemu-img', ['compare', '-f', 'qcow2', '-F', 'raw', path, out]);
  assert.equal((await stat(out)).size, 80 * MiB);
});

test('growing an overlay keeps its data and reads zeros past the old end; an overlay naming a file outside the cache is refused', async () => {
  const img = await image('img-grow', 8 * MiB, [{ offset: 0, length: 8 * MiB, seed: 11 }]);
  const d = driver('grow');
  const path = await d.createImageDisk('g-1', 0, 8 * MiB, img, blobs);
  await guestWrite(path, MiB, patternBlock(12, MiB));
  await d.growDisk(path, 3 * 1024 * MiB);
  assert.equal(await virtualSize(path), 3 * 1024 * MiB);
  await run('qemu-img', ['check', path]);
  await qemuIo(path, `write -P 7 ${2 * 1024 * MiB} 64k`);
  const out = await qemuIo(path, `read -P 7 ${2 * 1024 * MiB} 64k`);
  assert.match(out, /read 65536\/65536/);

  const outside = join(dir, 'outside.qcow2');
  await run('qemu-img', ['create', '-f', 'qcow2', '-F', 'raw', '-b', img.file, outside]);
  await assert.rejects(d.openDisk(disk('g-2', outside)), /is not in the image cache/);
});

test("a raw disk a guest wrote a qcow2 header into stays raw: it cannot name another image of the node's cache", async () => {
  const img = await image('img-other', 8 * MiB, [{ offset: 0, length: 8 * MiB, seed: 13 }]);
  const d = driver('spoof');
  await d.createImageDisk('s-1', 0, 8 * MiB, img, blobs); // the entry exists on the node
  const raw = await d.createDisk('s-2', 1, 16 * MiB);
  const header = join(dir, 'spoof.qcow2');
  await run('qemu-img', ['create', '-f', 'qcow2', '-F', 'raw', '-b', d.cache.entryPath('img-other'), header]);
  await guestWrite(raw, 0, await readFile(header));
  const victim = { ...disk('s-2', raw), index: 1, isBoot: false };
  assert.equal(await d.diskFormat(raw), 'raw');
  assert.equal(await d.backingImageOf(victim), undefined);
  const reader = await d.openDisk(victim);
  assert.equal(reader.format, 'raw');
  await reader.close();
});
