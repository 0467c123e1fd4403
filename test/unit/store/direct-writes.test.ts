import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { contentKeyOf } from '../../../src/core/chunks/content-key.ts';
import { chunkDisk } from '../../../src/disk/chunker.ts';
import { RawReader } from '../../../src/disk/raw-reader.ts';
import { alignedChunkBuffer, DIRECT_ALIGN, directWritable } from '../../../src/native/direct-io.ts';
import { libc } from '../../../src/native/libc.ts';
import { LocalBlobStore } from '../../../src/store/blob/local-blob-store.ts';
import { patternBytes } from '../../support/disk-images.ts';

// With fsync on, the local store writes a chunk from an aligned buffer with O_DIRECT
// (no copy into the page cache); everything else about the chunk stays as for a write
// through the page cache: its bytes, its holes, its identity for sync.

const KiB = 1024;
const MiB = 1024 * KiB;
const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function store(opts: { directWrites?: boolean } = {}): Promise<{ s: LocalBlobStore; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'kiln-direct-'));
  dirs.push(root);
  const s = new LocalBlobStore(root, true, opts);
  await s.init();
  return { s, root };
}

function chunkPath(root: string, key: string): string {
  const digest = key.slice(3);
  return join(root, 'blake3', digest.slice(0, 2), digest.slice(2, 4), digest);
}

/** An aligned chunk buffer of `length` bytes: data, 256 KiB of zeros, data, a zero tail. */
function alignedChunk(seed: number, length = MiB): Buffer {
  const { ab, offset } = alignedChunkBuffer(length);
  const b = Buffer.from(ab, offset, length).fill(0);
  patternBytes(seed, 128 * KiB).copy(b, 0);
  patternBytes(seed + 1, 128 * KiB).copy(b, 384 * KiB);
  return b;
}

const ffi = libc() !== undefined;

test('chunk buffers are aligned for O_DIRECT, and only aligned runs of them are written direct', { skip: !ffi && 'no FFI addon' }, () => {
  const { ab, offset } = alignedChunkBuffer(MiB);
  assert.equal(libc()!.address(Buffer.from(ab, offset, MiB)) % BigInt(DIRECT_ALIGN), 0n);
  assert.ok(ab.byteLength >= offset + MiB);
  const b = Buffer.from(ab, offset, MiB);
  assert.equal(directWritable(b, [[0, 64 * KiB]]), true);
  assert.equal(directWritable(b, [[0, 64 * KiB + 100]]), false, 'a tail shorter than a block');
  assert.equal(directWritable(b.subarray(16), [[0, 64 * KiB]]), false, 'a buffer off the boundary');
  assert.equal(directWritable(b, []), false);
});

test('with fsync, chunks written direct read back whole, keep their holes and are synced by identity', async () => {
  const { s, root } = await store();
  const chunks = Array.from({ length: 12 }, (_, i) => alignedChunk(10 + 2 * i));
  const lost = alignedChunk(99);
  for (const data of [...chunks, lost]) assert.equal(await s.putIfAbsent(contentKeyOf(data), data, data.length, { deferSync: true }), true);
  // A put that is durable on its own (no deferred sync) goes direct too.
  const own = alignedChunk(200);
  assert.equal(await s.putIfAbsent(contentKeyOf(own), own, own.length), true);
  for (const data of [...chunks, own]) {
    const k = contentKeyOf(data);
    assert.ok((await readFile(chunkPath(root, k))).equals(data));
    const st = await stat(chunkPath(root, k));
    assert.equal(st.size, MiB);
    assert.ok(st.blocks * 512 <= 256 * KiB, `256 KiB of data allocates about that: ${st.blocks * 512}`);
  }
  // The identity map holds for direct-written chunks as for the others: a chunk this store
  // wrote that is gone fails the sync instead of being taken as synced by its syncfs.
  await rm(chunkPath(root, contentKeyOf(lost)));
  await assert.rejects(s.sync([...chunks, lost].map(contentKeyOf)), { code: 'ENOENT' });
  await s.sync(chunks.map(contentKeyOf));
  // A second put of the same content is refused, as ever.
  assert.equal(await s.putIfAbsent(contentKeyOf(chunks[0]!), chunks[0]!, MiB, { deferSync: true }), false);
});

test('buffers or lengths that O_DIRECT cannot take go through the page cache with the same result', async () => {
  const { s, root } = await store();
  const { ab, offset } = alignedChunkBuffer(2 * MiB);
  const off = Buffer.from(ab, offset + 1, MiB);
  patternBytes(7, MiB).copy(off);
  const tail = Buffer.from(alignedChunk(8, MiB + 100));
  tail.fill(3, MiB);
  for (const data of [off, tail]) {
    const k = contentKeyOf(data);
    assert.equal(await s.putIfAbsent(k, data, data.length, { deferSync: true }), true);
    assert.ok((await readFile(chunkPath(root, k))).equals(data));
  }
  await s.sync([off, tail].map(contentKeyOf));
});

test('with fsync and direct writes, stageCopy leaves the chunk to the caller, whose capture stores the same chunks', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-direct-disk-'));
  dirs.push(dir);
  const path = join(dir, 'disk.raw');
  const whole = Buffer.alloc(8 * MiB);
  patternBytes(1, 512 * KiB).copy(whole, MiB);
  patternBytes(2, MiB).copy(whole, 5 * MiB);
  const fh = await open(path, 'w');
  try {
    await fh.write(whole, 0, whole.length, 0);
  } finally {
    await fh.close();
  }
  const keys: (string | null)[][] = [];
  for (const directWrites of [true, false]) {
    const { s, root } = await store({ directWrites });
    const src = await open(path, 'r');
    try {
      const staged = await s.stageCopy(src.fd, 0, 2 * MiB);
      if (directWrites) assert.equal(staged, undefined);
      await staged?.discard();
    } finally {
      await src.close();
    }
    const reader = await RawReader.open(path);
    try {
      const out = await chunkDisk(reader, s, { chunkSize: 2 * MiB, hashPool: 'inline' });
      const stored = out.chunks.filter((k): k is string => k !== null);
      await s.sync(stored);
      for (const [i, k] of out.chunks.entries()) {
        if (k !== null) assert.ok((await readFile(chunkPath(root, k))).equals(whole.subarray(i * 2 * MiB, (i + 1) * 2 * MiB)));
      }
      keys.push(out.chunks);
    } finally {
      await reader.close();
    }
  }
  assert.deepEqual(keys[0], keys[1]);
  assert.deepEqual(
    keys[0]!.map((k) => k !== null),
    [true, false, true, false],
  );
});
