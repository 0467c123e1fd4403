import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDisk } from '../../../src/disk/open-disk.ts';
import { patternBytes, qemuImg, qemuRawSha256, qemuVirtualSize, readerSha256, writeOracleImages, type OracleImage } from '../../support/disk-images.ts';

const CAP = 1024 ** 4;

describe('format readers agree with qemu-img byte for byte', async () => {
  let dir = '';
  let images: OracleImage[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-disk-oracle-'));
    images = await writeOracleImages(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds every variant', () => {
    assert.ok(images.length >= 17, `only ${images.length} images`);
  });

  // node:test needs the cases declared up front; the names are known before the files exist.
  const names = [
    'raw',
    'v2.qcow2',
    'v3.qcow2',
    'v3-4k-clusters.qcow2',
    'v3-512-clusters.qcow2',
    'v3-2m-clusters.qcow2',
    'v2-compressed.qcow2',
    'v3-compressed-4k.qcow2',
    'v3-zero-clusters.qcow2',
    'v3-prealloc-metadata.qcow2',
    'sparse.vmdk',
    'stream.vmdk',
    'stream-gd-at-end.vmdk',
    'dynamic.vhd',
    'dynamic-force-size.vhd',
    'fixed.vhd',
    'fixed-force-size.vhd',
  ];
  for (const name of names) {
    it(name, async () => {
      const img = images.find((i) => i.name === name);
      assert.ok(img, `image ${name} was not built`);
      const reader = await openDisk(img.path, { maxVirtualSize: CAP, claimedFormat: img.format });
      try {
        assert.equal(reader.format, img.format);
        assert.equal(reader.virtualSize, await qemuVirtualSize(img.path, img.qemuFormat), 'virtual size differs from qemu-img info');
        assert.equal(await readerSha256(reader), await qemuRawSha256(img.path, img.qemuFormat, dir));
        await checkPositionedReads(reader, img, dir);
      } finally {
        await reader.close();
      }
    });
  }
});

/** Unaligned reads straddling clusters must match the same bytes of qemu's raw output. */
async function checkPositionedReads(reader: Awaited<ReturnType<typeof openDisk>>, img: OracleImage, dir: string): Promise<void> {
  const raw = join(dir, `${img.name}.positioned.raw`);
  await qemuImg('convert', '-f', img.qemuFormat, '-O', 'raw', img.path, raw);
  const fh = await open(raw, 'r');
  try {
    const rnd = patternBytes(img.name.length * 7 + 3, 64);
    for (let i = 0; i < 16; i++) {
      const length = 1 + ((rnd.readUInt16LE(i * 4) * 37) % (300 * 1024));
      const offset = Math.floor((rnd.readUInt16LE(i * 4 + 2) / 65536) * Math.max(1, reader.virtualSize - length));
      const ours = Buffer.alloc(length, 0xee);
      await reader.read(ours, length, offset);
      const theirs = Buffer.alloc(length);
      await fh.read(theirs, 0, length, offset);
      assert.ok(ours.equals(theirs), `${img.name}: read of ${length} at ${offset} differs`);
    }
    const tail = Buffer.alloc(700);
    const tailLength = Math.min(700, reader.virtualSize);
    await reader.read(tail, tailLength, reader.virtualSize - tailLength);
    const expected = Buffer.alloc(tailLength);
    await fh.read(expected, 0, tailLength, reader.virtualSize - tailLength);
    assert.ok(tail.subarray(0, tailLength).equals(expected), `${img.name}: the last bytes differ`);
  } finally {
    await fh.close();
    await rm(raw, { force: true });
  }
}
