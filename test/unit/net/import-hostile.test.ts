import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiskFormatError } from '../../../src/disk/disk-reader.ts';
import { openDiskSource } from '../../../src/disk/open-disk.ts';
import { openImportSource } from '../../../src/net/import-source.ts';
import { FileServer } from '../../support/file-server.ts';
import { HOSTILE_MAX_VIRTUAL_SIZE, writeHostileImages, type HostileImage } from '../../support/disk-images.ts';
import { pipelineSha256, policyFor } from './stream-helpers.ts';

// The streaming path reads less than a downloaded file would (ranges, hints, tables
// fetched ahead): every hostile image must still be refused, with the same reason.
const files = new FileServer();
let dir = '';
let corpus: HostileImage[] = [];

before(async () => {
  await files.start();
  dir = await mkdtemp(join(tmpdir(), 'kiln-stream-hostile-'));
  corpus = await writeHostileImages(dir);
});
after(async () => {
  await files.close();
  await rm(dir, { recursive: true, force: true });
});

async function refusals(ranges: boolean): Promise<string[]> {
  const failures: string[] = [];
  for (const image of corpus) {
    const url = files.serve(`${ranges}-${image.name}`, image.path, { ranges });
    const tuning = { maxRequestBytes: 128 * 1024, minReadBytes: 16 * 1024, cacheBytes: 1024 * 1024 };
    try {
      const source = await openImportSource(url, policyFor(files), { spoolPath: join(dir, `${image.name}.spool`), tuning });
      const reader = await openDiskSource(source, { maxVirtualSize: HOSTILE_MAX_VIRTUAL_SIZE, claimedFormat: image.claimedFormat });
      try {
        await pipelineSha256(reader, 1024 * 1024);
      } finally {
        await reader.close();
      }
      failures.push(`${image.name}: accepted`);
    } catch (e) {
      if (!(e instanceof DiskFormatError)) failures.push(`${image.name}: threw ${String(e)}`);
      else if (!e.message.includes(image.expectedReasonIncludes)) failures.push(`${image.name}: "${e.message}" lacks "${image.expectedReasonIncludes}"`);
    }
  }
  return failures;
}

describe('hostile images are refused through the streaming path', () => {
  it('over HTTP ranges, with the reason the file reader gives', async () => {
    assert.ok(corpus.length >= 30);
    assert.deepEqual(await refusals(true), []);
  });

  it('through the spool, with the same reasons', async () => {
    assert.deepEqual(await refusals(false), []);
  });

  it('the qcow2 backing file is never fetched or opened: only the image URL is asked for', async () => {
    const image = corpus.find((c) => c.name.includes('backing'))!;
    const asked = files.requests(`true-${image.name}`);
    assert.ok(asked.length >= 1 && asked.every((r) => r.range !== null));
  });
});
