import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { contentKeyOf } from '../../../src/core/chunks/content-key.ts';
import { LocalBlobStore } from '../../../src/store/blob/local-blob-store.ts';
import { openBlobStore } from '../../../src/store/blob/open-blob-store.ts';
import { hostTag, tempName } from '../../../src/store/blob/temp-names.ts';

// The behaviour every store shares is in test/contract; this file covers the directory layout.

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function store(): Promise<{ s: LocalBlobStore; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'kiln-blobs-'));
  dirs.push(root);
  const s = new LocalBlobStore(root, true);
  await s.init();
  return { s, root };
}

const key = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

test('chunks live at ab/cd/<key> and a second put leaves the file as it was (no touch)', async () => {
  const { s, root } = await store();
  const data = Buffer.from('chunk data');
  const k = key(data);
  assert.equal(await s.putIfAbsent(k, data), true);
  const path = join(root, k.slice(0, 2), k.slice(2, 4), k);
  const old = new Date(Date.now() - 3600_000);
  await utimes(path, old, old);
  assert.equal(await s.putIfAbsent(k, data), false);
  assert.equal(Math.round((await stat(path)).mtimeMs), old.getTime(), 'garbage collection no longer reads timestamps, so puts do not write them');
  assert.equal(s.location, root);
});

test('BLAKE3 chunks live at blake3/ab/cd/<digest>, apart from the SHA-256 fan-out', async () => {
  const { s, root } = await store();
  const data = Buffer.from('new chunk');
  const k = contentKeyOf(data);
  assert.equal(await s.putIfAbsent(k, data, data.length, { deferSync: true }), true);
  await s.sync([k]);
  const digest = k.slice(3);
  assert.equal((await stat(join(root, 'blake3', digest.slice(0, 2), digest.slice(2, 4), digest))).size, data.length);
  assert.deepEqual(await readdir(root).then((n) => n.sort()), ['blake3', 'tmp']);
});

test('sync trusts its one syncfs only for the files this store linked: a chunk it wrote that is gone fails the sync', async () => {
  const { s, root } = await store();
  // Enough chunks for the one syncfs (below a handful, each file is synced by name anyway).
  const kept = Array.from({ length: 12 }, (_, i) => Buffer.from(`kept chunk ${i}`));
  const lost = Buffer.from('lost chunk');
  for (const data of [...kept, lost]) assert.equal(await s.putIfAbsent(contentKeyOf(data), data, data.length, { deferSync: true }), true);
  const digest = contentKeyOf(lost).slice(3);
  await rm(join(root, 'blake3', digest.slice(0, 2), digest.slice(2, 4), digest));
  await assert.rejects(s.sync([...kept, lost].map(contentKeyOf)), { code: 'ENOENT' });
  await s.sync(kept.map(contentKeyOf));
});

test('sync of chunks another writer stored (this store found them there) succeeds, with or without its own', async () => {
  const { s, root } = await store();
  const other = new LocalBlobStore(root, true);
  const theirs = Buffer.from('their chunk');
  const mine = Buffer.from('my chunk');
  assert.equal(await other.putIfAbsent(contentKeyOf(theirs), theirs, theirs.length, { deferSync: true }), true);
  assert.equal(await s.putIfAbsent(contentKeyOf(theirs), theirs, theirs.length, { deferSync: true }), false);
  await s.sync([contentKeyOf(theirs)]);
  assert.equal(await s.putIfAbsent(contentKeyOf(mine), mine, mine.length, { deferSync: true }), true);
  await s.sync([contentKeyOf(theirs), contentKeyOf(mine)]);
  const back = Buffer.alloc(theirs.length);
  assert.equal(await s.readInto(contentKeyOf(theirs), back), theirs.length);
  assert.ok(back.equals(theirs));
});

test('a put into a fan-out directory removed behind the store makes it again', async () => {
  const { s, root } = await store();
  const first = Buffer.from('first chunk');
  const k1 = key(first);
  assert.equal(await s.putIfAbsent(k1, first, first.length, { deferSync: true }), true);
  // The store remembers the directory exists; an operator then removes it.
  await rm(join(root, k1.slice(0, 2)), { recursive: true });
  // Same fan-out directory: keys sharing the first four hex digits.
  let n = 0;
  let second = Buffer.from(`other ${n}`);
  while (!key(second).startsWith(k1.slice(0, 4))) second = Buffer.from(`other ${++n}`);
  assert.equal(await s.putIfAbsent(key(second), second), true);
  const back = Buffer.alloc(second.length);
  assert.equal(await s.readInto(key(second), back), second.length);
  assert.ok(back.equals(second));
});

test('concurrent puts of one chunk leave one file and no temporaries', async () => {
  const { s, root } = await store();
  const data = Buffer.alloc(1024 * 1024, 7);
  const k = key(data);
  const results = await Promise.all(Array.from({ length: 20 }, () => s.putIfAbsent(k, data)));
  assert.equal(results.filter(Boolean).length, 1);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  assert.deepEqual(await readdir(join(root, k.slice(0, 2), k.slice(2, 4))), [k]);
});

test('list skips tmp/ and files that do not belong to the layout', async () => {
  const { s, root } = await store();
  const k = key('listed');
  await s.putIfAbsent(k, Buffer.from('listed'));
  await writeFile(join(root, 'tmp', tempName(k)), 'in flight');
  await writeFile(join(root, k.slice(0, 2), k.slice(2, 4), 'notes.txt'), 'not a chunk');
  const misplaced = key('misplaced');
  await writeFile(join(root, k.slice(0, 2), k.slice(2, 4), misplaced), 'wrong directory');
  const listed: string[] = [];
  for await (const page of s.list()) listed.push(...page);
  assert.deepEqual(listed, [k]);
});

test('init() leaves the temp files of live writers alone: another process importing keeps its in-flight chunks', async () => {
  const { root } = await store();
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    const mine = tempName(key('mine'));
    const childs = tempName(key('child'), { host: hostTag(), pid: child.pid! });
    await writeFile(join(root, 'tmp', mine), 'x');
    await writeFile(join(root, 'tmp', childs), 'x');
    // An hour-old file of a live writer is still live: age proves nothing.
    const old = new Date(Date.now() - 3600_000);
    await utimes(join(root, 'tmp', childs), old, old);
    await new LocalBlobStore(root, true).init();
    assert.deepEqual((await readdir(join(root, 'tmp'))).sort(), [mine, childs].sort());
  } finally {
    child.kill();
  }
});

test('init() removes temp files of dead processes on this host, and nothing it cannot prove abandoned', async () => {
  const { root } = await store();
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  const dead = tempName(key('dead'), { host: hostTag(), pid: child.pid! });
  const otherHost = tempName(key('other'), { host: hostTag('some-other-host.example'), pid: child.pid! });
  const foreign = `${key('old format')}.0123456789ab`;
  for (const name of [dead, otherHost, foreign]) await writeFile(join(root, 'tmp', name), 'x');
  await new LocalBlobStore(root, true).init();
  assert.deepEqual((await readdir(join(root, 'tmp'))).sort(), [otherHost, foreign].sort());
});

test('host names with dots or odd characters make one file-name-safe tag', () => {
  assert.equal(hostTag('node-1.example.com').includes('.'), false);
  assert.equal(hostTag('x'.repeat(300)).length <= 64, true);
  assert.notEqual(hostTag('a.b'), hostTag('a-b'));
});

test('openBlobStore with a local config creates the directory and returns a ready store', async () => {
  const { root } = await store();
  const dir = join(root, 'nested', 'blobs');
  const s = await openBlobStore({ kind: 'local', dir }, { fsync: false });
  assert.equal(s.location, dir);
  assert.deepEqual(await readdir(dir), ['tmp']);
  assert.equal(await s.putIfAbsent(key('x'), Buffer.from('x')), true);
  await s.close();
});

test('missingAmong answers none without looking: a published chunk goes only when the collector deletes it', async () => {
  const { s } = await store();
  const data = Buffer.from('kept chunk');
  await s.putIfAbsent(key(data), data);
  // Even a key never stored: the store does not look (callers hold the chunks by references).
  assert.deepEqual(await s.missingAmong([key(data), key('never stored')]), new Set());
  await assert.rejects(s.missingAmong(['not a key']), /invalid chunk key/);
});

test('a chunk is stored with its zero blocks as holes, reads back whole, and copies into a file with the holes kept', async () => {
  const { s, root } = await store();
  // Data, 256 KiB of zeros, data, and a zero tail: the file keeps its length.
  const data = Buffer.alloc(1024 * 1024);
  data.fill(1, 0, 128 * 1024);
  data.fill(2, 384 * 1024, 512 * 1024);
  const k = contentKeyOf(data);
  assert.equal(await s.putIfAbsent(k, data, data.length, { deferSync: true }), true);
  await s.sync([k]);
  const digest = k.slice(3);
  const st = await stat(join(root, 'blake3', digest.slice(0, 2), digest.slice(2, 4), digest));
  assert.equal(st.size, data.length);
  assert.ok(st.blocks * 512 <= 256 * 1024, `256 KiB of data allocates about that: ${st.blocks * 512}`);
  const back = Buffer.alloc(data.length + 1);
  assert.equal(await s.readInto(k, back), data.length);
  assert.ok(back.subarray(0, data.length).equals(data));

  const target = join(root, 'target.raw');
  await writeFile(target, '');
  await truncate(target, 8 * 1024 * 1024);
  const fh = await open(target, 'r+');
  try {
    const copied = await s.copyInto(k, fh.fd, 4 * 1024 * 1024, data.length);
    if (copied === undefined) return; // no copy_file_range here: callers read instead
    assert.equal(copied, data.length);
    await assert.rejects(s.copyInto(k, fh.fd, 0, data.length - 1), RangeError);
    await assert.rejects(s.copyInto(contentKeyOf(Buffer.from('absent')), fh.fd, 0, data.length), { name: 'ChunkNotFoundError' });
  } finally {
    await fh.close();
  }
  const out = await readFile(target);
  assert.ok(out.subarray(4 * 1024 * 1024, 5 * 1024 * 1024).equals(data));
  assert.ok(out.subarray(0, 4 * 1024 * 1024).equals(Buffer.alloc(4 * 1024 * 1024)));
  assert.ok((await stat(target)).blocks * 512 <= 256 * 1024, 'the zero blocks stay holes in the copy');
});

test('where O_TMPFILE is refused chunks go through temporary names: published whole, none left in tmp/, sparse, synced by identity', async () => {
  const root = await mkdtemp(join(tmpdir(), 'kiln-blobs-'));
  dirs.push(root);
  const s = new LocalBlobStore(root, true, { unnamedFiles: false });
  await s.init();
  const chunks = Array.from({ length: 12 }, (_, i) => {
    const b = Buffer.alloc(256 * 1024);
    b.fill(i + 1, 0, 64 * 1024);
    return b;
  });
  const keys = chunks.map((c) => contentKeyOf(c));
  for (const [i, c] of chunks.entries()) assert.equal(await s.putIfAbsent(keys[i]!, c, c.length, { deferSync: true }), true);
  assert.equal(await s.putIfAbsent(keys[0]!, chunks[0]!, chunks[0]!.length, { deferSync: true }), false);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  await s.sync(keys);
  const digest = keys[3]!.slice(3);
  const st = await stat(join(root, 'blake3', digest.slice(0, 2), digest.slice(2, 4), digest));
  assert.equal(st.size, 256 * 1024);
  assert.ok(st.blocks * 512 <= 64 * 1024, `the zero tail is a hole: ${st.blocks * 512}`);
  const back = Buffer.alloc(256 * 1024);
  assert.equal(await s.readInto(keys[3]!, back), back.length);
  assert.ok(back.equals(chunks[3]!));
});
