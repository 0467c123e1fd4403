import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chunkDisk } from '../../../src/disk/chunker.ts';
import { dataExtentsOf } from '../../../src/disk/file-extents.ts';
import { FileByteSource } from '../../../src/disk/file-source.ts';
import { RawReader } from '../../../src/disk/raw-reader.ts';
import { writeSparseDisk } from '../../support/disk-files.ts';

const MiB = 1024 * 1024;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-extents-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const writes = [
  { offset: 3 * MiB + 100, length: 5000, seed: 1 },
  { offset: 40 * MiB, length: 2 * MiB, seed: 2 },
  { offset: 128 * MiB - 512, length: 512, seed: 3 },
];

describe('dataExtentsOf', () => {
  it('maps a sparse file: every written byte inside an extent, the holes outside', async () => {
    const path = join(dir, 'sparse.raw');
    await writeSparseDisk(path, 128 * MiB, writes);
    const extents = await extentsOfFile(path);
    assert.ok(extents, 'lseek(SEEK_DATA) is available on Linux');
    for (const w of writes) {
      assert.ok(
        extents.some((e) => e.offset <= w.offset && w.offset + w.length <= e.offset + e.length),
        `bytes at ${w.offset} are in an extent: ${JSON.stringify(extents)}`,
      );
    }
    const mapped = extents.reduce((n, e) => n + e.length, 0);
    assert.ok(mapped < 8 * MiB, `only the data is mapped (${mapped} bytes of 128 MiB)`);
    for (let i = 1; i < extents.length; i++) assert.ok(extents[i]!.offset > extents[i - 1]!.offset + extents[i - 1]!.length, 'ascending and apart');
    assert.ok(extents.at(-1)!.offset + extents.at(-1)!.length <= 128 * MiB, 'never past the end of the file');
  });

  it('a capture through the map stores exactly what a full read stores', async () => {
    const path = join(dir, 'capture.raw');
    await writeSparseDisk(path, 64 * MiB, [
      { offset: 0, length: MiB, seed: 4 },
      { offset: 33 * MiB + 7, length: 3 * MiB, seed: 5 },
    ]);
    assert.ok(await extentsOfFile(path));
    const chunked = async (reader: RawReader) => {
      const reads: number[] = [];
      const read = reader.read.bind(reader);
      reader.read = async (buf, length, offset) => {
        reads.push(offset);
        return read(buf, length, offset);
      };
      try {
        return { manifest: await chunkDisk(reader, { putIfAbsent: async () => true }, { chunkSize: 4 * MiB, hashPool: 'inline' }), reads };
      } finally {
        await reader.close();
      }
    };
    // The same file without its map: a source that offers only reads.
    const file = await FileByteSource.open(path);
    const unmapped = { size: file.size, read: file.read.bind(file), close: () => file.close() };
    const full = await chunked(new RawReader(unmapped));
    const mapped = await chunked(await RawReader.open(path));
    assert.deepEqual(mapped.manifest, full.manifest);
    assert.equal(full.reads.length, 16);
    assert.deepEqual(
      mapped.reads.sort((a, b) => a - b),
      [0, 32 * MiB, 36 * MiB],
      'only the chunks with data are read',
    );
  });

  it('maps a file without data as empty, and data that ends the file up to its end', async () => {
    const empty = join(dir, 'empty.raw');
    await writeSparseDisk(empty, 16 * MiB, []);
    assert.deepEqual(await extentsOfFile(empty), []);
    const tail = join(dir, 'tail.raw');
    await writeSparseDisk(tail, 16 * MiB + 100, [{ offset: 16 * MiB + 99, length: 1, seed: 7 }]);
    const extents = await extentsOfFile(tail);
    assert.equal(extents?.length, 1);
    assert.ok(extents![0]!.offset <= 16 * MiB + 99);
    assert.equal(extents![0]!.offset + extents![0]!.length, 16 * MiB + 100, 'cut at the end of the file');
  });
});

async function extentsOfFile(path: string) {
  const fh = await open(path, 'r');
  try {
    return dataExtentsOf(fh.fd, (await fh.stat()).size);
  } finally {
    await fh.close();
  }
}
