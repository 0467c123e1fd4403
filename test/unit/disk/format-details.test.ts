import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiskFormatError, type DiskReader, type Extent } from '../../../src/disk/disk-reader.ts';
import { LruCache } from '../../../src/disk/formats/lru-cache.ts';
import { checkEmbeddedDescriptor, parseVmdkDescriptor } from '../../../src/disk/formats/vmdk-descriptor.ts';
import { vhdChecksum } from '../../../src/disk/formats/vhd-structures.ts';
import { openDisk } from '../../../src/disk/open-disk.ts';
import { qemuImg, qemuIo } from '../../support/disk-images.ts';

const MiB = 1024 * 1024;

async function allExtents(reader: DiskReader): Promise<Extent[]> {
  const out: Extent[] = [];
  for await (const e of reader.extents()) out.push(e);
  return out;
}

describe('format details', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-disk-details-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('unallocated VHD blocks are holes and cleared bitmap bits read as zeros', async () => {
    // Extents stop at the BAT (an allocated block may hold data); the bitmap decides reads.
    const path = join(dir, 'bitmap.vhd');
    await qemuImg('create', '-f', 'vpc', '-o', 'subformat=dynamic,force_size=on', path, '12M');
    await qemuIo('vpc', path, 'write -P 0x11 0 2M', 'write -P 0x22 8M 4096');
    // Clear the bits of sectors 8..15 of block 0 (byte 1 of its bitmap).
    const buf = await readFile(path);
    const bat = Number(buf.readBigUInt64BE(512 + 16));
    const block0 = buf.readUInt32BE(bat) * 512;
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from([0x00]), 0, 1, block0 + 1);
    await fh.close();

    const reader = await openDisk(path, { maxVirtualSize: 2 ** 30 });
    try {
      assert.equal(reader.virtualSize, 12 * MiB);
      assert.deepEqual(await allExtents(reader), [
        { offset: 0, length: 2 * MiB },
        { offset: 8 * MiB, length: 2 * MiB },
      ]);
      const got = Buffer.alloc(16384);
      await reader.read(got, got.length, 0);
      assert.ok(got.subarray(0, 4096).equals(Buffer.alloc(4096, 0x11)));
      assert.ok(got.subarray(4096, 8192).equals(Buffer.alloc(4096)), 'cleared sectors read as zeros');
      assert.ok(got.subarray(8192).equals(Buffer.alloc(8192, 0x11)));
      const far = Buffer.alloc(4096, 0xee);
      await reader.read(far, 4096, 5 * MiB);
      assert.ok(far.equals(Buffer.alloc(4096)), 'an unallocated block reads as zeros');
    } finally {
      await reader.close();
    }
  });

  it('coalesces clusters contiguous in the file into one extent', async () => {
    const path = join(dir, 'contiguous.qcow2');
    await qemuImg('create', '-f', 'qcow2', '-o', 'cluster_size=4096', path, '64M');
    await qemuIo('qcow2', path, 'write -P 0x33 1M 3M', 'write -P 0x44 40M 1M');
    const reader = await openDisk(path, { maxVirtualSize: 2 ** 30 });
    try {
      assert.deepEqual(await allExtents(reader), [
        { offset: MiB, length: 3 * MiB },
        { offset: 40 * MiB, length: MiB },
      ]);
      const got = Buffer.alloc(3 * MiB + 8192);
      await reader.read(got, got.length, MiB - 4096);
      assert.ok(got.subarray(0, 4096).equals(Buffer.alloc(4096)));
      assert.ok(got.subarray(4096, 4096 + 3 * MiB).equals(Buffer.alloc(3 * MiB, 0x33)));
      assert.ok(got.subarray(4096 + 3 * MiB).equals(Buffer.alloc(4096)));
    } finally {
      await reader.close();
    }
  });

  it('a large empty disk has no extents and costs no table reads', async () => {
    const path = join(dir, 'empty.qcow2');
    await qemuImg('create', '-f', 'qcow2', path, '100G');
    const reader = await openDisk(path, { maxVirtualSize: 2 ** 40 });
    try {
      assert.equal(reader.virtualSize, 100 * 1024 ** 3);
      assert.deepEqual(await allExtents(reader), []);
    } finally {
      await reader.close();
    }
  });

  for (const [fmt, args] of [
    ['raw', ['-f', 'raw']],
    ['qcow2', ['-f', 'qcow2']],
    ['vmdk', ['-f', 'vmdk', '-o', 'subformat=monolithicSparse']],
    ['vmdk stream', ['-f', 'vmdk', '-o', 'subformat=streamOptimized']],
    ['vhd', ['-f', 'vpc', '-o', 'subformat=dynamic,force_size=on']],
  ] as const) {
    it(`refuses a ${fmt} over the virtual size cap, and accepts it at the cap`, async () => {
      const path = join(dir, `cap-${fmt.replace(' ', '-')}`);
      await qemuImg('create', ...args, path, '8M');
      await assert.rejects(
        openDisk(path, { maxVirtualSize: 8 * MiB - 1 }),
        (e: unknown) => e instanceof DiskFormatError && /exceeds the limit/.test(e.message),
      );
      const reader = await openDisk(path, { maxVirtualSize: 8 * MiB });
      assert.equal(reader.virtualSize, 8 * MiB);
      await reader.close();
    });
  }
});

describe('LruCache', () => {
  it('keeps at most its capacity and evicts the least recently used', () => {
    const c = new LruCache<number, string>(2);
    c.set(1, 'a');
    c.set(2, 'b');
    assert.equal(c.get(1), 'a');
    c.set(3, 'c');
    assert.equal(c.size, 2);
    assert.equal(c.get(2), undefined);
    assert.equal(c.get(1), 'a');
    assert.equal(c.get(3), 'c');
  });
});

describe('VMDK descriptor checks', () => {
  const good = '# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\ncreateType="streamOptimized"\nRW 2048 SPARSE "disk.vmdk"\n';
  it('accepts a single sparse extent naming a plain file', () => {
    assert.doesNotThrow(() => checkEmbeddedDescriptor(parseVmdkDescriptor(good)));
  });
  const bad: [string, string, RegExp][] = [
    ['VMFS extent', good.replace('SPARSE "disk.vmdk"', 'VMFS "disk-flat.vmdk"'), /VMFS extent/],
    ['ZERO extent', good.replace('SPARSE "disk.vmdk"', 'ZERO'), /ZERO extent/],
    ['parent CID', good.replace('parentCID=ffffffff', 'parentCID=1234abcd'), /parent/],
    ['dot-dot name', good.replace('"disk.vmdk"', '"..secret"'), /other than this file/],
    ['no createType', good.replace(/createType=.*\n/, ''), /no createType/],
    ['no extents', good.replace(/RW .*\n/, ''), /0 extents/],
  ];
  for (const [name, text, reason] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => checkEmbeddedDescriptor(parseVmdkDescriptor(text)),
        (e: unknown) => e instanceof DiskFormatError && reason.test(e.message),
      );
    });
  }
});

describe('vhdChecksum', () => {
  it("is the one's complement of the byte sum, skipping the checksum field", () => {
    const b = Buffer.alloc(16, 1);
    b.writeUInt32BE(0xdeadbeef, 4);
    assert.equal(vhdChecksum(b, 4), ~12 >>> 0);
  });
});
