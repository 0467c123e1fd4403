import assert from 'node:assert/strict';
import { join } from 'node:path';
import { contentKeyOf } from '../../src/core/chunks/content-key.ts';
import type { Principal } from '../../src/core/model.ts';
import { startCoreKiln, type CoreKiln } from './core-kiln.ts';
import { patternBlock, writeSparseDisk } from './disk-files.ts';
import { FileServer } from './file-server.ts';

/** Small chunks, so an image of a few chunks is made in moments. */
export const PatternChunk = 64 * 1024;

/**
 * A core stack with its job runner, and images imported for real from raw disks of
 * pattern blocks, one a chunk: a test knows each image's chunk keys before it is made, and
 * which chunks two images share (the seeds they have in common).
 */
export interface PatternImages {
  core: CoreKiln;
  p: Principal;
  /** Imports an available image whose chunks are the pattern blocks of `seeds`; its id and chunk keys. */
  importImage(name: string, seeds: number[]): Promise<{ id: string; keys: string[] }>;
  close(): Promise<void>;
}

export async function startPatternImages(label: string, accountName: string): Promise<PatternImages> {
  const files = new FileServer();
  await files.start();
  let core: CoreKiln;
  try {
    core = await startCoreKiln(label, {
      runner: true,
      env: { KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`, KILN_CHUNK_SIZE: String(PatternChunk) },
    });
  } catch (e) {
    await files.close();
    throw e;
  }
  const p = await core.account(accountName);
  return {
    core,
    p,
    async importImage(name, seeds) {
      const path = join(core.dataDir, `${name}.raw`);
      await writeSparseDisk(
        path,
        seeds.length * PatternChunk,
        seeds.map((seed, i) => ({ offset: i * PatternChunk, length: PatternChunk, seed })),
      );
      const made = await core.kiln.services.images.import(p, 'uhost', {
        region: 'cn-bj2',
        zone: 'cn-bj2-04',
        name,
        url: files.serve(`${name}.raw`, path),
        format: 'raw',
        osType: 'Linux',
        osName: 'Linux',
      });
      const image = await core.settled(p, 'uhost', made.id);
      assert.equal(image.state, 'available', String(image.failedReason));
      return { id: made.id, keys: seeds.map((s) => contentKeyOf(patternBlock(s, PatternChunk))) };
    },
    async close() {
      await core.close();
      await files.close();
    },
  };
}
