import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { FileServer } from '../support/file-server.ts';
import { sha256File, writeSparseDisk } from '../support/disk-files.ts';
import { createHost, diskPath, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let client: UCloudTestClient;
const files = new FileServer();

before(async () => {
  await files.start();
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}` });
  client = await kiln.adminClient();
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

function importParams(url: string, extra: Record<string, unknown> = {}) {
  return { ImageName: 'imported', UFileUrl: url, OsType: 'Ubuntu', OsName: 'Ubuntu 22.04 64位', Format: 'RAW', Auth: true, ...extra };
}

test('ImportCustomImage of a RAW file round-trips into a host disk', async () => {
  const src = join(kiln.dataDir, 'upload.raw');
  await writeSparseDisk(src, 48 * MiB + 512, [
    { offset: 0, length: MiB, seed: 10 },
    { offset: 20 * MiB, length: 5 * MiB + 7, seed: 11 },
    { offset: 48 * MiB, length: 512, seed: 12 },
  ]);
  const r = await client.call('ImportCustomImage', importParams(files.serve('disk.raw', src)), { encoding: 'json' });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  const imageId = r.body.ImageId as string;
  const img = await waitImageSettled(client, imageId);
  assert.equal(img.State, 'Available', JSON.stringify(img));
  assert.equal(img.OsName, 'Ubuntu 22.04 64位');
  assert.equal(img.ImageType, 'Custom');

  const host = await createHost(client, imageId);
  const disk = await diskPath(kiln, host);
  // The host disk is the 1 GB the caller asked for; its first bytes are the image.
  const { createHash } = await import('node:crypto');
  const { open } = await import('node:fs/promises');
  const fh = await open(disk, 'r');
  const head = Buffer.alloc(48 * MiB + 512);
  await fh.read(head, 0, head.length, 0);
  await fh.close();
  assert.equal(createHash('sha256').update(head).digest('hex'), await sha256File(src));
});

test('an import from a host that is not allowed ends Unavailable with the reason', async () => {
  const r = await client.call('ImportCustomImage', importParams('http://127.0.0.1:1/disk.raw', { ImageName: 'blocked' }));
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  const img = await waitImageSettled(client, r.body.ImageId as string);
  assert.equal(img.State, 'Unavailable');
  assert.match(String(img.FailedReason), /not allowed/);
});

test('an import of a missing file ends Unavailable naming the HTTP status', async () => {
  const r = await client.call('ImportCustomImage', importParams(`http://127.0.0.1:${files.port}/nope.raw`, { ImageName: 'missing' }));
  const img = await waitImageSettled(client, r.body.ImageId as string);
  assert.equal(img.State, 'Unavailable');
  assert.match(String(img.FailedReason), /404/);
});

test('a file in another format than claimed ends Unavailable naming both', async () => {
  const src = join(kiln.dataDir, 'claimed.raw');
  await writeSparseDisk(src, 4 * MiB, [{ offset: 0, length: MiB, seed: 5 }]);
  const r = await client.call('ImportCustomImage', importParams(files.serve('claimed.qcow2', src), { ImageName: 'liar', Format: 'qcow2' }));
  const img = await waitImageSettled(client, r.body.ImageId as string);
  assert.equal(img.State, 'Unavailable');
  assert.match(String(img.FailedReason), /qcow2/);
  assert.match(String(img.FailedReason), /raw/);
});
