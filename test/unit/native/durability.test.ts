import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dataSync, startWriteback, syncDir, syncFilesystem } from '../../../src/native/durability.ts';
import { linkUnnamed, openUnnamed } from '../../../src/native/unnamed-file.ts';

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-durability-'));
  dirs.push(dir);
  return dir;
}

test('syncfs runs through the FFI addon on Linux (the blob store relies on it for one flush per commit)', async (t) => {
  if (process.platform !== 'linux') return t.skip('syncfs is Linux only');
  assert.equal(await syncFilesystem(await scratch()), true);
});

test('syncFilesystem of a path that does not exist fails rather than claiming durability', async () => {
  await assert.rejects(syncFilesystem(join(await scratch(), 'missing')), { code: 'ENOENT' });
});

test('writeback started on a written file leaves its content as written, and the fsyncs after it succeed', async () => {
  const dir = await scratch();
  const path = join(dir, 'chunk');
  const data = Buffer.alloc(3 * 1024 * 1024 + 5, 0x5a);
  const fh = await open(path, 'wx');
  try {
    await fh.write(data, 0, data.length, 0);
    await startWriteback(fh.fd);
  } finally {
    await fh.close();
  }
  await dataSync(path);
  await syncDir(dir);
  assert.ok((await readFile(path)).equals(data));
});

test('dataSync and syncDir of a missing name fail with ENOENT', async () => {
  const dir = await scratch();
  await assert.rejects(dataSync(join(dir, 'gone')), { code: 'ENOENT' });
  await assert.rejects(syncDir(join(dir, 'gone')), { code: 'ENOENT' });
});

test("an unnamed file gets its name whole, once: the link fails on a taken name, and the handle's identity is the name's", async (t) => {
  const dir = await scratch();
  const fh = await openUnnamed(dir);
  if (fh === undefined) return t.skip('no O_TMPFILE here: the blob store writes under temporary names');
  const data = Buffer.alloc(1024 * 1024 + 3, 0x3c);
  try {
    await fh.write(data, 0, data.length, 0);
    assert.deepEqual(await readdir(dir), [], 'nothing is named while it is written');
    await linkUnnamed(fh, join(dir, 'chunk'));
    await assert.rejects(linkUnnamed(fh, join(dir, 'chunk')), { code: 'EEXIST' });
    await assert.rejects(linkUnnamed(fh, join(dir, 'missing', 'chunk')), { code: 'ENOENT' });
    const mine = await fh.stat({ bigint: true });
    const named = await stat(join(dir, 'chunk'), { bigint: true });
    assert.deepEqual([mine.ino, mine.ctimeNs, named.nlink], [named.ino, named.ctimeNs, 1n]);
  } finally {
    await fh.close();
  }
  assert.ok((await readFile(join(dir, 'chunk'))).equals(data));
});

test('an unnamed file closed without a link leaves nothing behind', async (t) => {
  const dir = await scratch();
  const fh = await openUnnamed(dir);
  if (fh === undefined) return t.skip('no O_TMPFILE here');
  await fh.write(Buffer.from('abandoned'), 0, 9, 0);
  await fh.close();
  assert.deepEqual(await readdir(dir), []);
});
