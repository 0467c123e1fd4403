import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiskFormatError } from '../../../src/disk/disk-reader.ts';
import { openDisk } from '../../../src/disk/open-disk.ts';
import { HOSTILE_MAX_VIRTUAL_SIZE, readerSha256, writeHostileImages, type HostileImage } from '../../support/disk-images.ts';

/** Opens and reads the whole disk: a refusal may come at open or while mapping extents. */
async function openAndReadAll(image: HostileImage): Promise<void> {
  const reader = await openDisk(image.path, { maxVirtualSize: HOSTILE_MAX_VIRTUAL_SIZE, claimedFormat: image.claimedFormat });
  try {
    await readerSha256(reader);
  } finally {
    await reader.close();
  }
}

describe('hostile images are refused with a reason', () => {
  let dir = '';
  let corpus: HostileImage[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-disk-hostile-'));
    corpus = await writeHostileImages(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the corpus covers every kind of attack in the design', () => {
    const names = corpus.map((c) => c.name).join(' ');
    for (const needle of [
      'backing',
      'data-file',
      'flat',
      'differencing',
      'truncated',
      'bit-flip',
      'petabyte',
      'past-eof',
      'raw-claimed',
      'vhdx',
      'qed',
      'luks',
      'iso',
      'vdi',
      'qcow-v1',
    ]) {
      assert.match(names, new RegExp(needle), `no hostile image for ${needle}`);
    }
    assert.ok(corpus.length >= 30, `only ${corpus.length} hostile images`);
  });

  it('every hostile image is refused by openDisk or while reading, with its reason', async () => {
    const failures: string[] = [];
    for (const image of corpus) {
      try {
        await openAndReadAll(image);
        failures.push(`${image.name}: accepted`);
      } catch (e) {
        if (!(e instanceof DiskFormatError)) failures.push(`${image.name}: threw ${String(e)}`);
        else if (!e.message.includes(image.expectedReasonIncludes)) failures.push(`${image.name}: "${e.message}" lacks "${image.expectedReasonIncludes}"`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('never reads the file a qcow2 backing file names', async () => {
    const image = corpus.find((c) => c.name.includes('backing'));
    assert.ok(image);
    await assert.rejects(openAndReadAll(image), (e: unknown) => e instanceof DiskFormatError && /backing file/.test(e.message) && !/root:/.test(e.message));
  });

  it('the petabyte qcow2 is refused before any table is read, naming the cap', async () => {
    const image = corpus.find((c) => c.name.includes('petabyte'));
    assert.ok(image);
    await assert.rejects(openAndReadAll(image), /qcow2 virtual size 1 PiB .* exceeds the limit of 64 GiB/);
  });
});
