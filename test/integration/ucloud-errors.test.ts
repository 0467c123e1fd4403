import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { FileServer } from '../support/file-server.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { createHost } from '../support/uhost-flow.ts';
import { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
// UCloud's error answers, checked on the wire: the server runs in this process (the answers
// are the HTTP app's own; a `kiln serve` child would add only its start-up).
let kiln: InProcessServer;
let admin: UCloudTestClient;
let baseImageId: string;
const files = new FileServer();

before(async () => {
  await files.start();
  kiln = await startInProcessServer('ucloud-errors', { env: { KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`, KILN_CUSTOM_IMAGE_QUOTA: '2' } });
  admin = kiln.adminClient();
  const base = join(kiln.core.dataDir, 'base.raw');
  await writeSparseDisk(base, 8 * MiB, [{ offset: 0, length: MiB, seed: 1 }]);
  baseImageId = await kiln.addBase(base, 'Base');
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

async function raw(query: string): Promise<Record<string, unknown>> {
  const r = await fetch(`${kiln.baseUrl}/?${query}`);
  assert.equal(r.status, 200, 'UCloud errors are HTTP 200');
  assert.ok(r.headers.get('x-ucloud-request-uuid'), 'every answer carries a request id');
  return (await r.json()) as Record<string, unknown>;
}

test('160: a request without Action', async () => {
  const body = await raw('Region=cn-bj2');
  assert.equal(body.RetCode, 160);
});

test('170: a request without Signature', async () => {
  const r = await admin.call('DescribeImage', {}, { sign: false });
  assert.equal(r.body.RetCode, 170);
  assert.equal(r.body.Action, 'DescribeImageResponse');
});

test('171: a wrong signature, in every encoding', async () => {
  for (const encoding of ['get', 'form', 'form+query', 'json'] as const) {
    const r = await admin.call('DescribeImage', {}, { encoding, overrideSignature: '0'.repeat(40) });
    assert.equal(r.body.RetCode, 171, encoding);
    assert.equal(
      r.body.Message,
      `Signature VerifyAC Error: the signature does not match the request signed with PublicKey "${kiln.admin.publicKey}"`,
      encoding,
    );
  }
});

test('172: an unknown PublicKey', async () => {
  const stranger = new UCloudTestClient({ baseUrl: kiln.baseUrl, publicKey: 'nobody', privateKey: 'x', region: 'cn-bj2' });
  const r = await stranger.call('DescribeImage', {});
  assert.equal(r.body.RetCode, 172);
  assert.equal(r.body.Message, 'User not found: unknown PublicKey "nobody"');
});

test('161: an unknown Action from a signed caller', async () => {
  const r = await admin.call('LaunchRocket', {});
  assert.equal(r.body.RetCode, 161);
});

test('every encoding is accepted for a valid signed call', async () => {
  for (const encoding of ['get', 'form', 'form+query', 'json'] as const) {
    const r = await admin.call('DescribeImage', { Limit: 5 }, { encoding });
    assert.equal(r.body.RetCode, 0, `${encoding}: ${JSON.stringify(r.body)}`);
  }
});

test('230: a 200-character ImageName is refused naming the limit', async () => {
  const r = await admin.call('ImportCustomImage', {
    ImageName: 'n'.repeat(200),
    UFileUrl: `http://127.0.0.1:${files.port}/x`,
    OsType: 'Linux',
    OsName: 'x',
    Format: 'qcow2',
    Auth: true,
  });
  assert.equal(r.body.RetCode, 230);
  assert.equal(r.body.Message, 'Params [ImageName] not valid: at most 63 characters (got 200)');
});

test('230: a missing parameter is named', async () => {
  const r = await admin.call('CreateCustomImage', { ImageName: 'x' });
  assert.equal(r.body.RetCode, 230);
  assert.equal(r.body.Message, 'Params [UHostId] not available');
});

test('230: an invalid parameter is named', async () => {
  const r = await admin.call('DescribeImage', { Limit: 'lots' });
  assert.equal(r.body.RetCode, 230);
  assert.equal(r.body.Message, 'Params [Limit] not valid: a whole number in decimal digits');
  assert.equal((await admin.call('DescribeImage', { Limit: 5000 })).body.Message, 'Params [Limit] not valid: between 0 and 1000 (got 5000)');
  assert.equal((await admin.call('DescribeImage', { ImageType: 'Mine' })).body.Message, 'Params [ImageType] not valid: one of Base, Business, Custom');
  const region = await admin.call('DescribeImage', { Region: 'mars-1' });
  assert.equal(region.body.RetCode, 230);
  assert.match(String(region.body.Message), /Params \[Region\] not valid/);
  const format = await admin.call('ImportCustomImage', {
    ImageName: 'x',
    UFileUrl: 'http://127.0.0.1/x',
    OsType: 'Linux',
    OsName: 'x',
    Format: 'ISO',
    Auth: true,
  });
  assert.equal(format.body.RetCode, 230);
  assert.match(String(format.body.Message), /Format/);
});

test("292: a project that is not the caller's", async () => {
  const r = await admin.call('DescribeImage', { ProjectId: 'org-doesnotexist' });
  assert.equal(r.body.RetCode, 292);
});

test('8039: an instance that does not exist', async () => {
  const r = await admin.call('StopUHostInstance', { UHostId: 'uhost-nothere' });
  assert.equal(r.body.RetCode, 8039);
});

test('8010: imaging a running host; 8956: images that do not exist or are not custom', async () => {
  const host = await createHost(admin, baseImageId);
  const r = await admin.call('CreateCustomImage', { UHostId: host, ImageName: 'x' });
  assert.equal(r.body.RetCode, 8010);
  const missing = await admin.call('TerminateCustomImage', { ImageId: 'uimage-nothere' });
  assert.equal(missing.body.RetCode, 8956);
  const base = await admin.call('TerminateCustomImage', { ImageId: baseImageId });
  assert.equal(base.body.RetCode, 8956);
});

test("tenants never see each other's images or hosts", async () => {
  const host = await createHost(admin, baseImageId);
  const other = await kiln.createAccount('tenant-b');
  const b = new UCloudTestClient({ baseUrl: kiln.baseUrl, publicKey: other.publicKey, privateKey: other.privateKey, region: 'cn-bj2' });
  const hosts = await b.call('DescribeUHostInstance', {});
  assert.equal(hosts.body.TotalCount, 0);
  const stop = await b.call('StopUHostInstance', { UHostId: host });
  assert.equal(stop.body.RetCode, 8039);
  const images = await b.call('DescribeImage', { ImageType: 'Custom' });
  assert.equal(images.body.TotalCount, 0);
});

test('8961 for a host from an image still Making; 8095 once the quota is used; deleting a Making import cancels it and frees its slot', async () => {
  const making = await admin.call('ImportCustomImage', {
    ImageName: 'slow',
    UFileUrl: files.stallUrl(),
    OsType: 'Linux',
    OsName: 'Linux',
    Format: 'RAW',
    Auth: true,
  });
  assert.equal(making.body.RetCode, 0, JSON.stringify(making.body));
  const imageId = making.body.ImageId as string;
  const host = await admin.call('CreateUHostInstance', {
    Zone: 'cn-bj2-04',
    ImageId: imageId,
    LoginMode: 'Password',
    Password: 'cGFzcw==',
    Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }],
  });
  assert.equal(host.body.RetCode, 8961, 'a host cannot start from an image being made');

  // A failed image holds no quota slot, so the second slot is taken by another image being made.
  const second = await admin.call('ImportCustomImage', {
    ImageName: 'also-slow',
    UFileUrl: files.stallUrl(),
    OsType: 'Linux',
    OsName: 'Linux',
    Format: 'RAW',
    Auth: true,
  });
  assert.equal(second.body.RetCode, 0);
  const third = await admin.call('ImportCustomImage', {
    ImageName: 'over',
    UFileUrl: `http://127.0.0.1:${files.port}/missing`,
    OsType: 'Linux',
    OsName: 'Linux',
    Format: 'RAW',
    Auth: true,
  });
  assert.equal(third.body.RetCode, 8095);
  // Deleting an image gives its quota slot back, a Making one included (its import is cancelled).
  const del = await admin.call('TerminateCustomImage', { ImageId: imageId });
  assert.equal(del.body.RetCode, 0, JSON.stringify(del.body));
  const listed = await admin.call('DescribeImage', { ImageId: imageId });
  assert.equal(listed.body.TotalCount, 0, 'the cancelled import is gone');
  const fourth = await admin.call('ImportCustomImage', {
    ImageName: 'fits',
    UFileUrl: `http://127.0.0.1:${files.port}/missing`,
    OsType: 'Linux',
    OsName: 'Linux',
    Format: 'RAW',
    Auth: true,
  });
  assert.equal(fourth.body.RetCode, 0);
  // The stalled import would hold this account's share of the import lane for the tests after this one.
  const cleanup = await admin.call('TerminateCustomImage', { ImageId: second.body.ImageId as string });
  assert.equal(cleanup.body.RetCode, 0, JSON.stringify(cleanup.body));
});

test('known limit of the UCloud signature: name+value joined without a separator, so `Limit=1&Offset=N` can be resent as `Limit1Offset=N`', async () => {
  // The signing string of {Limit: 1, Offset: N} and of {Limit1Offset: N}
  // is the same (`...Limit1OffsetN...`), and unknown parameters must stay accepted (the
  // official SDKs send many that Kiln ignores), so the rewritten request is answered,
  // with the defaults in place of the two parameters. The README's Security model says
  // so. If this starts failing, either the scheme changed or unknown parameters are now
  // refused, which breaks the SDKs.
  const listed = await admin.call('DescribeImage', {});
  assert.equal(listed.body.RetCode, 0, JSON.stringify(listed.body));
  const total = listed.body.TotalCount as number;
  assert.ok(total >= 1, 'the base image is listed');

  const signed = admin.encode('DescribeImage', { Limit: 1, Offset: total }, { encoding: 'get' });
  const asSigned = await raw(signed.query);
  assert.equal(asSigned.RetCode, 0, JSON.stringify(asSigned));
  assert.equal((asSigned.ImageSet as unknown[]).length, 0, 'past the last image');

  const { Limit, Offset, ...rest } = signed.params;
  const rewritten = new URLSearchParams({ ...rest, [`Limit${Limit}Offset`]: Offset! });
  const answered = await raw(rewritten.toString());
  assert.equal(answered.RetCode, 0, `the same signature verifies: ${JSON.stringify(answered)}`);
  assert.equal((answered.ImageSet as unknown[]).length, Math.min(total, 20), 'answered with the default Limit and Offset');
});
