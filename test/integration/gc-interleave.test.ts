import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { createKiln, type Kiln } from '../../src/app/kiln.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Principal } from '../../src/core/model.ts';
import { FileServer } from '../support/file-server.ts';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { allChunkKeys } from '../support/kiln-stores.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { waitImageSettled } from '../support/uhost-flow.ts';

// Garbage collection beside writers in other processes: a `kiln serve` importing (and
// collecting every second), `kiln gc` commands, and this process copying, deleting and
// collecting in a loop, all on the same stores. Each round deletes the images holding a
// set of chunks while new imports of the same content store them again: exactly the
// moment a collector finds those chunks unreferenced while writers rely on them.
const CHUNK = 64 * 1024;
const CHUNKS_PER_IMAGE = 32;
const PATTERNS_PER_ROUND = 8;
const ROUNDS = 5;
const IMPORTS_PER_ROUND = 4;

let kiln: KilnProcess;
let client: UCloudTestClient;
let local: Kiln;
let principal: Principal;
const files = new FileServer();

/** Image `i` of a round: chunks drawn from that round's patterns, with a hole or two. */
function imageBytes(round: number, i: number): Buffer {
  const out = Buffer.alloc(CHUNK * CHUNKS_PER_IMAGE);
  for (let c = 0; c < CHUNKS_PER_IMAGE; c++) {
    const p = (i * 5 + c * 3) % (PATTERNS_PER_ROUND + 1);
    if (p === PATTERNS_PER_ROUND) continue; // a hole
    const pattern = round * PATTERNS_PER_ROUND + p;
    out.fill(pattern % 251, c * CHUNK, (c + 1) * CHUNK);
    out.writeUInt32LE(pattern, c * CHUNK); // same pattern, same chunk key, whichever image holds it
  }
  return out;
}

before(async () => {
  await files.start();
  kiln = await KilnProcess.start({
    KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`,
    KILN_CHUNK_SIZE: String(CHUNK),
    KILN_GC_INTERVAL_MS: '1000',
  });
  client = await kiln.adminClient();
  local = await createKiln(loadConfig({ ...process.env, ...kiln.env }), pino({ level: 'silent' }));
  const creds = await kiln.credentials();
  const owner = (await local.services.accounts.keyOwner(creds.publicKey))!;
  principal = await local.services.accounts.principal(owner.accountId, undefined);
});

after(async () => {
  await local?.close();
  await files.close();
  await kiln?.stop();
});

async function importRound(round: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < IMPORTS_PER_ROUND; i++) {
    const name = `img-${round}-${i}-${tag}.raw`;
    await writeFile(join(kiln.dataDir, name), imageBytes(round, i));
    const r = await client.call('ImportCustomImage', {
      ImageName: name,
      UFileUrl: files.serve(name, join(kiln.dataDir, name)),
      OsType: 'Ubuntu',
      OsName: 'Ubuntu',
      Format: 'RAW',
      Auth: true,
    });
    assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
    ids.push(r.body.ImageId as string);
  }
  return ids;
}

async function settle(ids: string[]): Promise<void> {
  for (const id of ids) {
    const img = await waitImageSettled(client, id);
    assert.equal(img.State, 'Available', JSON.stringify(img));
  }
}

test('uploads, copies, deletes and GC runs from several processes never lose a chunk a manifest uses', async () => {
  let storming = true;
  let localRuns = 0;
  let cliRuns = 0;
  const collectors = [
    (async () => {
      while (storming) {
        await local.gc();
        localRuns++;
      }
    })(),
    (async () => {
      while (storming) {
        await kiln.cli(['gc', '--json']);
        cliRuns++;
      }
    })(),
  ];
  const live: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const first = await importRound(round, 'a');
      await settle(first);
      // A copy shares its source's chunks; it outlives the source.
      const copy = await local.services.imageCopies.copy(principal, 'uhost', first[0]!);
      live.push(copy.id);
      // The same content again while its first holders are deleted: the chunks become
      // unreferenced while the new imports find them stored and rely on them.
      const again = importRound(round, 'b');
      for (const id of first) {
        const r = await client.call('TerminateCustomImage', { ImageId: id });
        assert.equal(r.body.RetCode, 0, `${JSON.stringify(r.body)}\n${kiln.output.slice(-3000)}`);
      }
      const second = await again;
      await settle(second);
      live.push(...second);
      if (round > 0) {
        const r = await client.call('TerminateCustomImage', { ImageId: live.shift()! });
        assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
      }
    }
  } finally {
    storming = false;
    await Promise.all(collectors);
  }
  assert.ok(localRuns > 0 && cliRuns > 0, `collectors ran (${localRuns} here, ${cliRuns} by kiln gc)`);

  const stored = await allChunkKeys(local.blobs);
  for (const id of live) {
    const manifest = await local.store.images.getManifest(id);
    assert.ok(manifest, `image ${id} has its manifest`);
    for (const k of manifest.chunks) if (k) assert.ok(stored.has(k), `chunk ${k} of ${id} exists`);
  }
  // The server's own periodic collection may hold the collector lease at this moment.
  await waitFor('a final collection', async () => ((await local.gc()).ran ? true : undefined));
  const left = await allChunkKeys(local.blobs);
  const inUse = await local.store.chunks.inUseAmong([...left]);
  assert.deepEqual(
    [...left].filter((k) => !inUse.has(k)),
    [],
    'a final collection leaves only chunks in use',
  );
});
