import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { FileServer } from '../support/file-server.ts';
import { sha256File, writeSparseDisk } from '../support/disk-files.ts';
import { guestHead } from '../support/guest-disk.ts';
import { createHost, diskPath, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let client: UCloudTestClient;
const files = new FileServer();

before(async () => {
  await files.start();
  // A small image quota so the quota test can reach it; the tests before it keep one
  // Available image of the admin's (the round trip) and only failed ones besides.
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`, KILN_CUSTOM_IMAGE_QUOTA: '2' });
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
  const head = await guestHead(disk, 48 * MiB + 512);
  assert.equal(createHash('sha256').update(head).digest('hex'), await sha256File(src));
});

async function customImageIds(): Promise<string[]> {
  const r = await client.call('DescribeImage', { ImageType: 'Custom', Limit: 1000 });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  return (r.body.ImageSet as { ImageId: string }[]).map((i) => i.ImageId);
}

test('a URL the server may not fetch is refused at call time with RetCode 230, and no image is made', async () => {
  const before = await customImageIds();
  const refusals: [string, RegExp][] = [
    ['http://127.0.0.1:1/disk.raw', /import URL host 127\.0\.0\.1:1 is not allowed \(loopback address\); add it to KILN_IMPORT_ALLOW_HOSTS/],
    ['http://10.1.2.3/disk.raw', /not allowed \(private address\)/],
    ['http://169.254.169.254/latest/meta-data', /not allowed \(link-local address\)/],
    [`http://user:secret@127.0.0.1:${files.port}/disk.raw`, /must not contain credentials/],
    // A name is judged by what it resolves to now (localhost: loopback, from /etc/hosts).
    [`http://localhost:${files.port}/disk.raw`, /localhost:\d+ is not allowed \(it resolves to [^,]+, a loopback address\)/],
    ['file:///etc/passwd', /http or https/],
  ];
  for (const [url, message] of refusals) {
    const r = await client.call('ImportCustomImage', importParams(url, { ImageName: 'blocked' }));
    assert.equal(r.body.RetCode, 230, `${url}: ${JSON.stringify(r.body)}`);
    assert.match(String(r.body.Message), message, url);
    assert.equal(r.body.ImageId, undefined);
  }
  assert.deepEqual(await customImageIds(), before);
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

test('a 41-byte text file imported as RAW ends Unavailable: a raw image is whole 512-byte sectors', async () => {
  const text = join(kiln.dataDir, 'notes.txt');
  await writeFile(text, 'these are notes, not a disk image at all\n');
  const r = await client.call('ImportCustomImage', importParams(files.serve('notes.raw', text), { ImageName: 'text' }));
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  const img = await waitImageSettled(client, r.body.ImageId as string);
  assert.equal(img.State, 'Unavailable', JSON.stringify(img));
  assert.match(String(img.FailedReason), /raw image is 41 bytes, not a whole number of 512-byte sectors/);
});

test('failed images stay listed with their reason but hold no quota, and deleting one gives nothing back twice', async () => {
  const listed = async () => {
    const r = await client.call('DescribeImage', { ImageType: 'Custom', Limit: 1000 });
    return r.body.ImageSet as { ImageId: string; State: string; FailedReason?: string }[];
  };
  const failed = (await listed()).filter((i) => i.State === 'Unavailable');
  // The missing file, the liar and the text file of the tests above: more than the quota of 2.
  assert.ok(failed.length >= 3, JSON.stringify(failed));
  assert.ok(failed.every((i) => typeof i.FailedReason === 'string' && i.FailedReason !== ''));
  assert.equal((await listed()).filter((i) => i.State === 'Available').length, 1);

  const src = join(kiln.dataDir, 'quota.raw');
  await writeSparseDisk(src, MiB, [{ offset: 0, length: 4096, seed: 3 }]);
  const second = await client.call('ImportCustomImage', importParams(files.serve('quota.raw', src), { ImageName: 'second' }));
  assert.equal(second.body.RetCode, 0, JSON.stringify(second.body));
  assert.equal((await waitImageSettled(client, second.body.ImageId as string)).State, 'Available');

  const over = () => client.call('ImportCustomImage', importParams(files.serve('quota.raw', src), { ImageName: 'third' }));
  assert.equal((await over()).body.RetCode, 8095, 'two Available images fill a quota of 2');
  const gone = await client.call('TerminateCustomImage', { ImageId: failed[0]!.ImageId });
  assert.equal(gone.body.RetCode, 0, JSON.stringify(gone.body));
  assert.equal((await over()).body.RetCode, 8095, 'deleting a failed image gave back a slot it no longer held');
  const freed = await client.call('TerminateCustomImage', { ImageId: second.body.ImageId });
  assert.equal(freed.body.RetCode, 0, JSON.stringify(freed.body));
  const third = await over();
  assert.equal(third.body.RetCode, 0, JSON.stringify(third.body));
  assert.equal((await waitImageSettled(client, third.body.ImageId as string)).State, 'Available');
});
