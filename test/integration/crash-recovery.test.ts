import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { allChunkKeys, openStoresOf } from '../support/kiln-stores.ts';
import { assertSameBytes, writeSparseDisk } from '../support/disk-files.ts';
import { guestWriteMany } from '../support/guest-disk.ts';
import { createHost, diskPath, stopHost, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
let kiln: KilnProcess;
let client: UCloudTestClient;

before(async () => {
  kiln = await KilnProcess.start({ KILN_JOB_LEASE_MS: '3000', KILN_JOB_HEARTBEAT_MS: '500' });
  client = await kiln.adminClient();
});

after(async () => {
  await kiln?.stop();
});

/**
 * Writes 384 MiB of random data into a 1 GiB sparse disk, in 48 regions of 8 MiB. (Holes
 * cost time too: reading a sparse file back, as the final comparison does, fills the page
 * cache with zeros at about 1 GB/s on this machine kind.)
 */
async function fillDisk(path: string): Promise<void> {
  const writes = [];
  for (let region = 0; region < 48; region++) {
    writes.push({ offset: region * Math.floor(GiB / 48) + (region % 7) * 4096, data: randomFillSync(Buffer.allocUnsafe(8 * MiB)) });
  }
  await guestWriteMany(path, writes);
}

/**
 * Every stored chunk, and every chunk key the given images' manifests reference, read
 * through the ports of the stores the server uses (SQLite + directory, or PostgreSQL + S3).
 */
async function chunkAccounting(imageIds: string[]): Promise<{ stored: Set<string>; referenced: Set<string>; inUse: Set<string> }> {
  const stores = await openStoresOf(kiln.env);
  try {
    const stored = await allChunkKeys(stores.blobs);
    const referenced = new Set<string>();
    for (const id of imageIds) {
      for (const k of (await stores.store.images.getManifest(id))?.chunks ?? []) if (k) referenced.add(k);
    }
    return { stored, referenced, inUse: await stores.store.chunks.inUseAmong([...stored]) };
  } finally {
    await stores.close();
  }
}

test('SIGKILL in the middle of a capture: the image ends settled and no orphan chunk survives GC', async () => {
  const base = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(base, 64 * MiB, [{ offset: 0, length: MiB, seed: 9 }]);
  const baseId = (JSON.parse(await kiln.cli(['image', 'add-base', base, '--name', 'Base', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
  const host = await createHost(client, baseId, { Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }] });
  const disk = await diskPath(kiln, host);
  await fillDisk(disk);
  await stopHost(client, host);
  const watch = await openStoresOf(kiln.env);
  const baseChunks = (await allChunkKeys(watch.blobs)).size;

  const created = await client.call('CreateCustomImage', { UHostId: host, ImageName: 'crashy' });
  assert.equal(created.body.RetCode, 0, JSON.stringify(created.body));
  const imageId = created.body.ImageId as string;
  // Killed as soon as the capture has stored a few chunks: well before it ends, however
  // fast this machine is.
  await waitFor('the capture to store chunks', async () => ((await allChunkKeys(watch.blobs)).size >= baseChunks + 3 ? true : undefined), 60_000);
  await kiln.kill('SIGKILL');
  await watch.close();
  const partial = await chunkAccounting([]);
  assert.ok(partial.stored.size > 0, 'the capture had stored chunks before the kill');

  await kiln.launch();
  const img = await waitImageSettled(client, imageId, 180_000);
  if (img.State === 'Available') {
    const copy = await createHost(client, imageId);
    await assertSameBytes(await diskPath(kiln, copy), disk);
  } else {
    assert.equal(img.State, 'Unavailable');
    assert.ok(String(img.FailedReason ?? '').length > 0, 'a failed image says why');
  }
  // Host is released for start again once the capture settled.
  const start = await client.call('StartUHostInstance', { UHostId: host });
  assert.equal(start.body.RetCode, 0, JSON.stringify(start.body));

  const gc = JSON.parse(await kiln.cli(['gc', '--json'])) as { deleted: number; keptInUse: number };
  assert.equal(gc.keptInUse, 0);
  const { stored, referenced, inUse } = await chunkAccounting([baseId, imageId]);
  const orphans = [...stored].filter((k) => !inUse.has(k));
  assert.deepEqual(orphans, [], 'no chunk is left that no manifest references');
  assert.ok(referenced.size > 0);
  for (const k of referenced) assert.ok(stored.has(k), `referenced chunk ${k} is stored`);
});
