import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { contentKeyOf } from '../../../src/core/chunks/content-key.ts';
import { type ChunkSink, chunkDisk } from '../../../src/disk/chunker.ts';
import { RawReader } from '../../../src/disk/raw-reader.ts';
import { libc } from '../../../src/native/libc.ts';
import { LocalBlobStore } from '../../../src/store/blob/local-blob-store.ts';
import { patternBytes } from '../../support/disk-images.ts';

// Chunks copied by the kernel into the local store (stageCopy) and named after the bytes
// read back from that copy; the capture pipeline's use of it from a raw disk. The store
// copies only where it does not write chunks with O_DIRECT (fsync off, or O_DIRECT
// refused): these stores have direct writes off; direct-writes.test.ts has the rest.

const KiB = 1024;
const MiB = 1024 * KiB;
const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function scratch(): Promise<{ s: LocalBlobStore; root: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-staged-'));
  dirs.push(dir);
  const root = join(dir, 'blobs');
  const s = new LocalBlobStore(root, true, { directWrites: false });
  await s.init();
  return { s, root, dir };
}

/** A sparse disk file: 8 MiB, data in [1 MiB, 1.5 MiB) and [5 MiB, 6 MiB) (pattern bytes), holes elsewhere. */
async function sparseDisk(path: string): Promise<Buffer> {
  const whole = Buffer.alloc(8 * MiB);
  patternBytes(1, 512 * KiB).copy(whole, 1 * MiB);
  patternBytes(2, 1 * MiB).copy(whole, 5 * MiB);
  const fh = await open(path, 'w');
  try {
    await fh.truncate(whole.length);
    await fh.write(whole, 1 * MiB, 512 * KiB, 1 * MiB);
    await fh.write(whole, 5 * MiB, 1 * MiB, 5 * MiB);
  } finally {
    await fh.close();
  }
  return whole;
}

async function chunkFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for await (const page of new LocalBlobStore(root, false).list()) out.push(...page);
  return out;
}

const copies = libc() !== undefined && process.platform === 'linux';

test('a staged copy reads back the source range (holes as zeros), is published under its key with the holes kept, and never changes with its source', {
  skip: !copies && 'no copy_file_range here',
}, async () => {
  const { s, root, dir } = await scratch();
  const path = join(dir, 'disk.raw');
  const whole = await sparseDisk(path);
  const src = await open(path, 'r+');
  try {
    const staged = await s.stageCopy(src.fd, 4 * MiB, 4 * MiB);
    assert.ok(staged, 'copy_file_range is available here');
    // The source changes after the copy: the staged bytes, and so the key, are the copy's.
    await src.write(Buffer.alloc(64 * KiB, 7), 0, 64 * KiB, 5 * MiB);
    const buf = Buffer.alloc(4 * MiB);
    await staged.read(buf);
    assert.ok(buf.equals(whole.subarray(4 * MiB, 8 * MiB)));
    const k = contentKeyOf(buf);
    assert.equal(await staged.publish(k, { deferSync: true }), true);
    await assert.rejects(staged.read(buf), /after it was published/);
    await s.sync([k]);

    const back = Buffer.alloc(4 * MiB + 1);
    assert.equal(await s.readInto(k, back), 4 * MiB);
    assert.ok(back.subarray(0, 4 * MiB).equals(whole.subarray(4 * MiB, 8 * MiB)));
    const digest = k.slice(3);
    const st = await stat(join(root, 'blake3', digest.slice(0, 2), digest.slice(2, 4), digest));
    assert.equal(st.size, 4 * MiB);
    assert.ok(st.blocks * 512 <= 1 * MiB + 64 * KiB, `only the source's 1 MiB of data is allocated: ${st.blocks * 512}`);

    // The same bytes staged again: not published over the first, and nothing left behind.
    const again = await s.stageCopy(src.fd, 4 * MiB, 4 * MiB);
    assert.ok(again);
    await again.read(buf);
    assert.notEqual(contentKeyOf(buf), k, 'the source changed since the first copy');
    const first = await s.stageCopy(src.fd, 0, 4 * MiB);
    assert.ok(first);
    await first.read(buf);
    const k0 = contentKeyOf(buf);
    assert.equal(await first.publish(k0), true);
    const dup = await s.stageCopy(src.fd, 0, 4 * MiB);
    assert.ok(dup);
    assert.equal(await dup.publish(k0), false);
    await again.discard();
    await again.discard();
    assert.deepEqual((await chunkFiles(root)).sort(), [k, k0].sort());
    assert.deepEqual(await readdir(join(root, 'tmp')), []);
  } finally {
    await src.close();
  }
});

test('a source the kernel cannot copy from is refused (undefined) and leaves nothing in the store', {
  skip: !copies && 'no copy_file_range here',
}, async () => {
  const { s, root, dir } = await scratch();
  const path = join(dir, 'disk.raw');
  await sparseDisk(path);
  // Opened for writing only: copy_file_range(2) answers EBADF.
  const src = await open(path, 'a');
  try {
    assert.equal(await s.stageCopy(src.fd, 0, 4 * MiB), undefined);
  } finally {
    await src.close();
  }
  assert.deepEqual(await chunkFiles(root), []);
});

test('capture of a raw disk through staged copies stores the same chunks as through buffers, every chunk copied', async () => {
  const { dir } = await scratch();
  const path = join(dir, 'disk.raw');
  const whole = await sparseDisk(path);
  const results: { keys: (string | null)[]; files: Map<string, Buffer>; staged: number }[] = [];
  for (const staging of [true, false]) {
    const root = join(dir, `blobs-${staging}`);
    // Through buffers, the store writes the chunks direct: the same bytes either way.
    const s = new LocalBlobStore(root, true, { directWrites: !staging });
    await s.init();
    let staged = 0;
    const sink: ChunkSink = {
      putIfAbsent: (key, data, length) => s.putIfAbsent(key, data, length, { deferSync: true }),
      ...(staging
        ? {
            stageCopy: async (fd: number, offset: number, length: number) => {
              const c = await s.stageCopy(fd, offset, length);
              if (c) staged++;
              return c;
            },
          }
        : {}),
    };
    const reader = await RawReader.open(path);
    try {
      const chunked = await chunkDisk(reader, sink, { chunkSize: 2 * MiB, hashPool: 'inline' });
      const keys = chunked.chunks.filter((k): k is string => k !== null);
      await s.sync(keys);
      const files = new Map<string, Buffer>();
      for (const k of keys) {
        const digest = k.slice(3);
        files.set(k, await readFile(join(root, 'blake3', digest.slice(0, 2), digest.slice(2, 4), digest)));
      }
      results.push({ keys: chunked.chunks, files, staged });
    } finally {
      await reader.close();
    }
  }
  const [viaCopy, viaBuffer] = results;
  // Chunks 0 and 2 hold data; 1 and 3 are holes.
  assert.deepEqual(viaCopy!.keys, viaBuffer!.keys);
  assert.deepEqual(
    viaCopy!.keys.map((k) => k !== null),
    [true, false, true, false],
  );
  for (const [i, k] of viaCopy!.keys.entries()) {
    if (k === null) continue;
    assert.ok(viaCopy!.files.get(k)!.equals(whole.subarray(i * 2 * MiB, (i + 1) * 2 * MiB)));
    assert.ok(viaBuffer!.files.get(k)!.equals(whole.subarray(i * 2 * MiB, (i + 1) * 2 * MiB)));
  }
  assert.equal(viaCopy!.staged, copies ? 2 : 0);
  assert.equal(viaBuffer!.staged, 0);

  // Captured again into the store that holds its chunks, one lane: after the first copy
  // is found to be there, the next chunk is read and looked up instead of copied.
  const s = new LocalBlobStore(join(dir, 'blobs-true'), true, { directWrites: false });
  let staged = 0;
  let written = 0;
  const sink: ChunkSink = {
    putIfAbsent: async (key, data, length) => {
      const wrote = await s.putIfAbsent(key, data, length, { deferSync: true });
      if (wrote) written++;
      return wrote;
    },
    stageCopy: async (fd, offset, length) => {
      const c = await s.stageCopy(fd, offset, length);
      if (c) staged++;
      return c;
    },
  };
  const reader = await RawReader.open(path);
  try {
    const again = await chunkDisk(reader, sink, { chunkSize: 2 * MiB, hashPool: 'inline', inFlight: 1 });
    assert.deepEqual(again.chunks, viaCopy!.keys);
  } finally {
    await reader.close();
  }
  assert.equal(staged, copies ? 1 : 0);
  assert.equal(written, 0);
});
