import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectFormat, detectFromBytes } from '../../../src/disk/detect-format.ts';
import { DiskFormatError } from '../../../src/disk/disk-reader.ts';
import { openDisk } from '../../../src/disk/open-disk.ts';
import { patternBytes, qemuImg } from '../../support/disk-images.ts';

function head(text: string, at = 0, size = 0x8006): Buffer {
  const b = Buffer.alloc(size);
  b.write(text, at, 'latin1');
  return b;
}

const noTail = Buffer.alloc(0);

describe('detectFromBytes', () => {
  it('recognises the supported formats by magic', () => {
    const qcow2 = head('QFI\xfb\0\0\0\x03');
    assert.deepEqual(detectFromBytes(qcow2, noTail), { format: 'qcow2' });
    assert.deepEqual(detectFromBytes(head('KDMV'), noTail), { format: 'vmdk' });
    assert.deepEqual(detectFromBytes(Buffer.alloc(4096), head('conectix', 0, 512)), { format: 'vhd' });
    assert.deepEqual(detectFromBytes(head('conectix'), Buffer.alloc(512)), { format: 'vhd' }, 'dynamic VHD footer copy at 0');
  });

  it('treats anything unrecognised as raw', () => {
    assert.deepEqual(detectFromBytes(patternBytes(1, 0x8006), patternBytes(2, 512)), { format: 'raw' });
    assert.deepEqual(detectFromBytes(Buffer.alloc(0), noTail), { format: 'raw' });
    assert.deepEqual(detectFromBytes(head('QFI'), noTail), { format: 'raw' }, 'a partial magic is not a magic');
  });

  const refusals: [string, Buffer, RegExp][] = [
    ['qcow v1', head('QFI\xfb\0\0\0\x01'), /qcow version 1/],
    ['VHDX', head('vhdxfile'), /VHDX images are not supported/],
    ['QED', head('QED\0'), /QED images are not supported/],
    ['LUKS', head('LUKS\xba\xbe'), /LUKS/],
    ['ISO 9660', head('CD001', 0x8001), /ISO 9660/],
    [
      'VDI',
      (() => {
        const b = head('<<< Oracle VM VirtualBox Disk Image >>>\n');
        b.writeUInt32LE(0xbeda107f, 0x40);
        return b;
      })(),
      /VDI/,
    ],
    ['VMDK descriptor', head('# Disk DescriptorFile\nversion=1\ncreateType="vmfs"\nRW 10 VMFS "x-flat.vmdk"\n'), /descriptor files .*createType "vmfs"/],
    ['VMDK descriptor', head('version=1\nCID=1\ncreateType="monolithicFlat"\n'), /createType "monolithicFlat"/],
  ];
  for (const [name, bytes, reason] of refusals) {
    it(`refuses ${name} by name`, () => {
      const d = detectFromBytes(bytes, noTail);
      assert.equal(d.format, null);
      assert.ok(d.format === null && d.name === name);
      assert.match(d.format === null ? d.reason : '', reason);
    });
  }
});

describe('detection uses content, never the file name', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-disk-detect-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a qcow2 named .vhd is qcow2, a raw named .qcow2 is raw', async () => {
    const q = join(dir, 'disk.vhd');
    await qemuImg('create', '-f', 'qcow2', q, '1M');
    assert.deepEqual(await detectFormat(q), { format: 'qcow2' });
    const r = join(dir, 'disk.qcow2');
    await writeFile(r, patternBytes(3, 8192));
    assert.deepEqual(await detectFormat(r), { format: 'raw' });
  });

  it('openDisk names both the claim and the content on a mismatch', async () => {
    const q = join(dir, 'claimed.qcow2');
    await qemuImg('create', '-f', 'qcow2', q, '1M');
    await assert.rejects(
      openDisk(q, { maxVirtualSize: 2 ** 30, claimedFormat: 'vhd' }),
      (e: unknown) => e instanceof DiskFormatError && e.message === 'image claimed as vhd but its content is qcow2',
    );
    const reader = await openDisk(q, { maxVirtualSize: 2 ** 30, claimedFormat: 'qcow2' });
    assert.equal(reader.format, 'qcow2');
    assert.equal(reader.virtualSize, 1024 * 1024);
    await reader.close();
  });

  it('a raw disk is whole 512-byte sectors, at least one: an empty or text file is refused', async () => {
    const e = join(dir, 'empty');
    await writeFile(e, Buffer.alloc(0));
    await assert.rejects(
      openDisk(e, { maxVirtualSize: 2 ** 30 }),
      (x: unknown) => x instanceof DiskFormatError && /empty: a disk is at least one 512-byte sector/.test(x.message),
    );
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'these are notes, not a disk image at all\n');
    await assert.rejects(
      openDisk(text, { maxVirtualSize: 2 ** 30 }),
      (x: unknown) => x instanceof DiskFormatError && /41 bytes, not a whole number of 512-byte sectors/.test(x.message),
    );
    const one = join(dir, 'one-sector');
    await writeFile(one, Buffer.alloc(512, 1));
    const reader = await openDisk(one, { maxVirtualSize: 2 ** 30 });
    assert.equal(reader.format, 'raw');
    assert.equal(reader.virtualSize, 512);
    const extents = [];
    for await (const x of reader.extents()) extents.push(x);
    assert.equal(
      extents.reduce((n, x) => n + x.length, 0),
      512,
    );
    await reader.close();
  });

  it('refuses a truncated qcow2 header rather than misreading it', async () => {
    const t = join(dir, 'short.qcow2');
    await writeFile(t, Buffer.from('QFI\xfb\0\0\0\x03', 'latin1'));
    await assert.rejects(openDisk(t, { maxVirtualSize: 2 ** 30 }), (e: unknown) => e instanceof DiskFormatError && /truncated/.test(e.message));
  });
});
