import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chunkDisk } from '../../../src/disk/chunker.ts';
import { dataExtentsOf, parseFilefrag } from '../../../src/disk/file-extents.ts';
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
  it('maps a sparse file: every written byte inside an extent, the holes outside', async (t) => {
    const path = join(dir, 'sparse.raw');
    await writeSparseDisk(path, 128 * MiB, writes);
    const extents = await dataExtentsOf(path);
    if (!extents) return t.skip('no filefrag or no FIEMAP on this filesystem: the whole file is read instead');
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

  it('a capture through the map stores exactly what a full read stores', async (t) => {
    const path = join(dir, 'capture.raw');
    await writeSparseDisk(path, 64 * MiB, [
      { offset: 0, length: MiB, seed: 4 },
      { offset: 33 * MiB + 7, length: 3 * MiB, seed: 5 },
    ]);
    const extents = await dataExtentsOf(path);
    if (!extents) return t.skip('no filefrag or no FIEMAP on this filesystem');
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

  it('reads nothing into a file whose map cannot be had, or does not cover its data', async () => {
    const path = join(dir, 'data.raw');
    await writeSparseDisk(path, 16 * MiB, [{ offset: 0, length: 4 * MiB, seed: 6 }]);
    assert.equal(await dataExtentsOf(path, { filefrag: join(dir, 'no-such-filefrag') }), undefined);
    // A filefrag that reports no extent for a file with 4 MiB allocated is not believed.
    const liar = join(dir, 'lying-filefrag');
    await writeFile(liar, `#!/bin/sh\necho "File size of $2 is 16777216 (4096 blocks of 4096 bytes)"\necho "$2: 0 extents found"\n`);
    await chmod(liar, 0o755);
    assert.equal(await dataExtentsOf(path, { filefrag: liar }), undefined);
  });
});

describe('parseFilefrag', () => {
  it('turns filefrag -e output into merged byte extents', () => {
    const out = [
      'Filesystem type is: ef53',
      'File size of /d/disk.raw is 104857600 (25600 blocks of 4096 bytes)',
      ' ext:     logical_offset:        physical_offset: length:   expected: flags:',
      '   0:     2560..    3327:   36678144..  36678911:    768:       2560:',
      '   1:     3328..    3330:   36688144..  36688146:      3:   36678912: unwritten',
      '   2:    12800..   13055:   36680192..  36680447:    256:   36688384: last,eof',
      '/d/disk.raw: 3 extents found',
    ].join('\n');
    assert.deepEqual(parseFilefrag(out)?.extents, [
      { offset: 2560 * 4096, length: 771 * 4096 },
      { offset: 12800 * 4096, length: 256 * 4096 },
    ]);
  });

  it('refuses output it does not understand', () => {
    assert.equal(parseFilefrag(''), undefined);
    assert.equal(parseFilefrag('FIBMAP: Operation not permitted'), undefined);
    assert.equal(parseFilefrag('File size of x is 10 (1 block of 4096 bytes)\n   0:  9..  3:  1..1: 1:\nx: 1 extent found'), undefined);
  });

  it('a file without data has no extents', () => {
    assert.deepEqual(parseFilefrag('File size of /d/e is 1073741824 (262144 blocks of 4096 bytes)\n/d/e: 0 extents found\n')?.extents, []);
  });
});
