import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { createKiln, type Kiln } from '../../src/app/kiln.ts';
import { loadConfig } from '../../src/config/config.ts';
import { keyAlgorithm } from '../../src/core/chunks/content-key.ts';
import { markImageMade } from '../../src/core/images/image-lifecycle.ts';
import { newImage } from '../../src/core/images/new-image.ts';
import type { Principal } from '../../src/core/model.ts';
import { assertSameBytes, writeSparseDisk } from '../support/disk-files.ts';
import { guestWrite } from '../support/guest-disk.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { allChunkKeys } from '../support/kiln-stores.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { createHost, diskPath, stopHost, waitImageSettled } from '../support/uhost-flow.ts';
import { userCli } from '../support/user-cli.ts';

// A store written before chunks were named by BLAKE3 holds SHA-256 chunks and manifests
// naming them. After the change, those images must still download, copy, deploy and be
// captured from, beside images whose chunks are BLAKE3, and the collector must keep and
// free either kind by the manifests alone.
const MiB = 1024 * 1024;
const CHUNK = 256 * 1024;

let kiln: KilnProcess;
let client: UCloudTestClient;
let local: Kiln;
let principal: Principal;
let cliEnv: Record<string, string>;
let oldSource: string;

before(async () => {
  kiln = await KilnProcess.start({ KILN_CHUNK_SIZE: String(CHUNK) });
  client = await kiln.adminClient();
  local = await createKiln(loadConfig({ ...process.env, ...kiln.env }), pino({ level: 'silent' }));
  const creds = await kiln.credentials();
  const owner = (await local.services.accounts.keyOwner(creds.publicKey))!;
  principal = await local.services.accounts.principal(owner.accountId, undefined);
  cliEnv = { KILN_URL: kiln.baseUrl, KILN_PUBLIC_KEY: creds.publicKey, KILN_PRIVATE_KEY: creds.privateKey, KILN_CONFIG: join(kiln.dataDir, 'cli.json') };
  oldSource = join(kiln.dataDir, 'old.raw');
  await writeSparseDisk(oldSource, 6 * MiB + 4096, [
    { offset: 0, length: MiB, seed: 11 },
    { offset: 3 * MiB + 17, length: CHUNK, seed: 12 },
    { offset: 6 * MiB, length: 4096, seed: 13 },
  ]);
});

after(async () => {
  await local?.close();
  await kiln?.stop();
});

/**
 * Stores `file` as a custom image the way Kiln did before BLAKE3: each data chunk under
 * the SHA-256 hex of its bytes, the manifest naming those keys.
 */
async function storeAsBeforeBlake3(file: string, name: string): Promise<string> {
  const fh = await open(file, 'r');
  const chunks: (string | null)[] = [];
  let storedSize = 0;
  const { size } = await fh.stat();
  try {
    for (let at = 0; at < size; at += CHUNK) {
      const buf = Buffer.alloc(Math.min(CHUNK, size - at));
      await fh.read(buf, 0, buf.length, at);
      if (buf.every((b) => b === 0)) {
        chunks.push(null);
        continue;
      }
      const key = createHash('sha256').update(buf).digest('hex');
      await local.blobs.putIfAbsent(key, buf);
      chunks.push(key);
      storedSize += buf.length;
    }
  } finally {
    await fh.close();
  }
  const region = local.config.regions.find((r) => r.id === local.config.defaultRegion)!;
  const image = newImage({
    id: local.ids.image('uhost'),
    product: 'uhost',
    accountId: principal.accountId,
    projectId: principal.projectId,
    region: region.id,
    zone: region.defaultZone,
    kind: 'custom',
    name,
    osType: 'Linux',
    osName: 'Ubuntu',
    virtualSize: size,
  });
  await local.store.transaction(async (tx) => {
    await tx.quota.take(principal.accountId, 'uhost', local.config.quotas.customImagesPerAccount);
    await tx.images.insert(image, { uniqueName: true });
    await markImageMade(tx, image.id, { virtualSize: size, chunkSize: CHUNK, chunks, storedSize });
  });
  return image.id;
}

async function manifestKeys(imageId: string): Promise<string[]> {
  const m = await local.store.images.getManifest(imageId);
  assert.ok(m, `manifest of ${imageId}`);
  return m.chunks.filter((k): k is string => k !== null);
}

async function download(imageId: string, path: string): Promise<void> {
  const r = await userCli(['images', 'download', imageId, '-o', path], cliEnv);
  assert.equal(r.code, 0, r.stderr);
}

test('images stored under SHA-256 keys download, copy, deploy and capture beside BLAKE3 ones; gc frees each kind by its manifests', async () => {
  const oldId = await storeAsBeforeBlake3(oldSource, 'before-blake3');
  const oldKeys = await manifestKeys(oldId);
  assert.ok(oldKeys.length >= 3 && oldKeys.every((k) => keyAlgorithm(k) === 'sha256'));

  // Download: the old manifest's chunks are read by their SHA-256 keys.
  const got = join(kiln.dataDir, 'old-download.raw');
  await download(oldId, got);
  await assertSameBytes(got, oldSource);

  // Copy: the copy shares the old chunks, keys unchanged.
  const copied = await client.call('CopyCustomImage', { SourceImageId: oldId, TargetProjectId: principal.projectId, TargetImageName: 'copy-of-old' });
  assert.equal(copied.body.RetCode, 0, JSON.stringify(copied.body));
  const copyId = copied.body.TargetImageId as string;
  assert.equal((await waitImageSettled(client, copyId)).State, 'Available');
  assert.deepEqual(await manifestKeys(copyId), oldKeys);

  // Capture from a host of the old image after its guest wrote one chunk: that chunk is
  // named by BLAKE3; chunks the guest never wrote keep the old image's SHA-256 keys (the
  // capture of an overlay reuses its backing image's keys, unread), so the manifest mixes both.
  const host = await createHost(client, oldId);
  const disk = await diskPath(kiln, host);
  await stopHost(client, host);
  await guestWrite(disk, 4 * MiB, Buffer.alloc(4 * MiB, 0x5a));
  const captured = await client.call('CreateCustomImage', { UHostId: host, ImageName: 'captured-from-old' });
  assert.equal(captured.body.RetCode, 0, JSON.stringify(captured.body));
  const capturedId = captured.body.ImageId as string;
  assert.equal((await waitImageSettled(client, capturedId)).State, 'Available');
  const newKeys = await manifestKeys(capturedId);
  assert.ok(newKeys.length >= 3 && newKeys.every((k) => keyAlgorithm(k) === 'blake3' || oldKeys.includes(k)), JSON.stringify(newKeys));
  assert.ok(
    newKeys.some((k) => keyAlgorithm(k) === 'blake3'),
    `the chunk the guest wrote is new: ${JSON.stringify(newKeys)}`,
  );
  assert.ok(
    newKeys.some((k) => keyAlgorithm(k) === 'sha256'),
    `chunks the guest never wrote keep their keys: ${JSON.stringify(newKeys)}`,
  );
  const again = await createHost(client, capturedId);
  await assertSameBytes(await diskPath(kiln, again), disk, 'a host of the capture has its source host disk');

  // Collection with both kinds referenced frees neither.
  await local.gc();
  let stored = await allChunkKeys(local.blobs);
  for (const k of [...oldKeys, ...newKeys]) assert.ok(stored.has(k), `${k} kept while referenced`);

  // The old image and its copy deleted: their SHA-256 chunks go, except those the capture
  // still names; the capture's stay.
  for (const id of [oldId, copyId]) {
    const r = await client.call('TerminateCustomImage', { ImageId: id });
    assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  }
  await local.gc();
  stored = await allChunkKeys(local.blobs);
  for (const k of oldKeys) assert.equal(stored.has(k), newKeys.includes(k), `${k} freed unless the capture names it`);
  for (const k of newKeys) assert.ok(stored.has(k), `${k} kept`);
  const capturedDownload = join(kiln.dataDir, 'captured-download.raw');
  await download(capturedId, capturedDownload);
  const fh = await open(capturedDownload, 'r');
  const head = Buffer.alloc(MiB);
  await fh.read(head, 0, MiB, 0);
  await fh.close();
  const src = await open(oldSource, 'r');
  const want = Buffer.alloc(MiB);
  await src.read(want, 0, MiB, 0);
  await src.close();
  assert.ok(head.equals(want), 'the capture still holds the old image content after gc');
});
