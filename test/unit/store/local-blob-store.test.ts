import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LocalBlobStore } from '../../../src/store/blob/local-blob-store.ts';

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function store(): Promise<{ s: LocalBlobStore; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'kiln-blobs-'));
  dirs.push(root);
  const s = new LocalBlobStore(root, true);
  await s.init();
  return { s, root };
}

const key = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('put-if-absent writes once, reads back, and refreshes the timestamp of an existing chunk', async () => {
  const { s } = await store();
  const data = Buffer.from('chunk data');
  const k = key(data);
  assert.equal(await s.putIfAbsent(k, data), true);
  const listed = [];
  for await (const e of s.list()) listed.push(e);
  assert.equal(listed.length, 1);
  const old = new Date(Date.now() - 3600_000);
  const path = join((s as unknown as { root: string }).root, k.slice(0, 2), k.slice(2, 4), k);
  await utimes(path, old, old);
  assert.equal(await s.putIfAbsent(k, data), false);
  assert.ok((await stat(path)).mtimeMs > Date.now() - 60_000, 'a reused chunk looks freshly touched to GC');
  const buf = Buffer.alloc(64);
  assert.equal(await s.readInto(k, buf), data.length);
  assert.equal(buf.subarray(0, data.length).toString(), 'chunk data');
});

test('concurrent puts of one chunk leave one file and no temporaries', async () => {
  const { s, root } = await store();
  const data = Buffer.alloc(1024 * 1024, 7);
  const k = key(data);
  const results = await Promise.all(Array.from({ length: 20 }, () => s.putIfAbsent(k, data)));
  assert.equal(results.filter(Boolean).length >= 1, true);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  assert.equal(await s.has(k), true);
  await s.delete(k);
  assert.equal(await s.has(k), false);
});

test('keys that are not SHA-256 hex never become paths', async () => {
  const { s } = await store();
  await assert.rejects(s.putIfAbsent('../../etc/passwd', Buffer.from('x')), /invalid chunk key/);
  await assert.rejects(s.readInto('A'.repeat(64), Buffer.alloc(1)), /invalid chunk key/);
});
