import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDiskSource } from '../../../src/disk/open-disk.ts';
import { openImportSource } from '../../../src/net/import-source.ts';
import { FileServer } from '../../support/file-server.ts';
import { qemuImg, qemuIo, qemuRawSha256, readerSha256, writeOracleImages, type OracleImage } from '../../support/disk-images.ts';
import { pipelineSha256, policyFor } from './stream-helpers.ts';

// Imports read the URL while they chunk it: every format qemu-img writes must come out
// exactly as qemu-img's raw conversion, through HTTP ranges and through the spool.
const CAP = 1024 ** 4;
const files = new FileServer();
let dir = '';
let images: OracleImage[] = [];
const truth = new Map<string, string>();

before(async () => {
  await files.start();
  dir = await mkdtemp(join(tmpdir(), 'kiln-stream-'));
  images = await writeOracleImages(dir);
  for (const img of images) truth.set(img.name, await qemuRawSha256(img.path, img.qemuFormat, dir));
});
after(async () => {
  await files.close();
  await rm(dir, { recursive: true, force: true });
});

async function importSha(img: OracleImage, ranges: boolean, spoolDir: string): Promise<{ kind: string; sha: string; seq: string }> {
  const name = `${ranges ? 'r' : 'w'}-${img.name}`;
  const url = files.serve(name, img.path, { ranges });
  // Small read-ahead and cache so the test images (a few MiB) still cross every window.
  const tuning = { maxRequestBytes: 256 * 1024, minReadBytes: 64 * 1024, cacheBytes: 2 * 1024 * 1024 };
  const open = async () => {
    const source = await openImportSource(url, policyFor(files), { spoolPath: join(spoolDir, name), tuning });
    return { kind: source.kind, reader: await openDiskSource(source, { maxVirtualSize: CAP, claimedFormat: img.format }) };
  };
  const a = await open();
  const b = await open();
  try {
    return { kind: a.kind, sha: await pipelineSha256(a.reader, 1024 * 1024), seq: await readerSha256(b.reader) };
  } finally {
    await a.reader.close();
    await b.reader.close();
  }
}

describe('imports stream every format', () => {
  it('over HTTP ranges: byte-exact with qemu-img, no whole-file request', async () => {
    assert.ok(images.length >= 17);
    for (const img of images) {
      const got = await importSha(img, true, dir);
      assert.equal(got.kind, 'ranges', img.name);
      assert.equal(got.sha, truth.get(img.name), `${img.name}: chunk pipeline`);
      assert.equal(got.seq, truth.get(img.name), `${img.name}: sequential reads`);
      const asked = files.requests(`r-${img.name}`);
      assert.ok(asked.length > 0 && asked.every((r) => r.range !== null), `${img.name}: every request is ranged`);
      const fetched = asked.reduce((n, r) => n + (r.range!.end - r.range!.start + 1), 0);
      const size = (await stat(img.path)).size;
      // Two opens (pipeline and sequential) each read the file about once.
      assert.ok(fetched <= 2 * 2 * size + 8 * 256 * 1024, `${img.name}: fetched ${fetched} bytes of a ${size}-byte file`);
    }
  });

  it('from a server without ranges: spooled, byte-exact, the spool removed on close', async () => {
    const spool = await mkdtemp(join(dir, 'spool-'));
    for (const img of images) {
      const got = await importSha(img, false, spool);
      assert.equal(got.kind, 'spool', img.name);
      assert.equal(got.sha, truth.get(img.name), `${img.name}: chunk pipeline`);
      assert.equal(got.seq, truth.get(img.name), `${img.name}: sequential reads`);
    }
    assert.deepEqual(await readdir(spool), []);
  });

  it('a dynamic VHD: a request per chunk, each block bitmap and data together, cleared bits still zeros', async () => {
    // 16 blocks of 2 MiB written in order lie end to end in the file; two bitmaps get four
    // cleared bits each (0x0f: the byte's first four sectors), which Kiln reads as zeros
    // (qemu-img reads the block's bytes whatever its bitmap says, so it is no oracle here).
    const MiB = 1024 * 1024;
    const path = join(dir, 'blocks.vhd');
    await qemuImg('create', '-f', 'vpc', '-o', 'subformat=dynamic,force_size=on', path, '32M');
    await qemuIo('vpc', path, 'write -P 0x5a 0 32M');
    const bytes = await readFile(path);
    const bat = Number(bytes.readBigUInt64BE(512 + 16));
    const fh = await open(path, 'r+');
    try {
      for (const [block, byte] of [
        [0, 1],
        [5, 100],
      ] as const) {
        await fh.write(Buffer.from([0x0f]), 0, 1, bytes.readUInt32BE(bat + block * 4) * 512 + byte);
      }
    } finally {
      await fh.close();
    }
    const expected = Buffer.alloc(32 * MiB, 0x5a);
    expected.fill(0, 8 * 512, 12 * 512);
    expected.fill(0, 5 * 2 * MiB + 800 * 512, 5 * 2 * MiB + 804 * 512);
    const name = 'vhd-blocks';
    const source = await openImportSource(files.serve(name, path), policyFor(files), { spoolPath: join(dir, name) });
    const reader = await openDiskSource(source, { maxVirtualSize: CAP });
    try {
      assert.equal(await pipelineSha256(reader, 4 * MiB), createHash('sha256').update(expected).digest('hex'));
    } finally {
      await reader.close();
    }
    // The probe, the footer, the eight chunks (and a part read again where the probe ended):
    // two requests a block (bitmap, then data) would be over 32.
    const asked = files.requests(name).length;
    assert.ok(asked <= 12, `${asked} requests for 16 blocks in 8 chunks`);
  });
});
