import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { FileServer } from '../support/file-server.ts';
import { HOSTILE_MAX_VIRTUAL_SIZE, qemuRawSha256, writeHostileImages, writeOracleImages } from '../support/disk-images.ts';
import { createHost, diskPath, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { guestHead } from '../support/guest-disk.ts';

// Import formats at the service level: every format qemu-img writes imports and round-trips,
// every hostile file ends Unavailable with a reason, and the server keeps serving.
let kiln: KilnProcess;
let client: UCloudTestClient;
const files = new FileServer();

const wireFormat: Record<string, string> = { raw: 'RAW', qcow2: 'qcow2', vmdk: 'VMDK', vhd: 'VHD' };

before(async () => {
  await files.start();
  kiln = await KilnProcess.start({
    KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`,
    KILN_MAX_VIRTUAL_SIZE: String(HOSTILE_MAX_VIRTUAL_SIZE),
    KILN_CUSTOM_IMAGE_QUOTA: '500',
  });
  client = await kiln.adminClient();
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

async function importFile(name: string, path: string, format: string): Promise<Record<string, unknown>> {
  const r = await client.call('ImportCustomImage', {
    ImageName: name.slice(0, 60),
    UFileUrl: files.serve(name, path),
    OsType: 'Linux',
    OsName: 'Linux',
    Format: format,
    Auth: true,
  });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  return waitImageSettled(client, r.body.ImageId as string);
}

async function headSha256(disk: string, length: number): Promise<string> {
  return createHash('sha256')
    .update(await guestHead(disk, length))
    .digest('hex');
}

test("each format qemu-img writes imports, and a host made from it holds qemu-img's raw conversion", async () => {
  const dir = join(kiln.dataDir, 'oracle');
  await mkdir(dir);
  const images = await writeOracleImages(dir);
  assert.ok(images.length >= 5, 'raw, qcow2, vmdk and vhd variants');
  for (const img of images) {
    const settled = await importFile(`oracle-${img.name}`, img.path, wireFormat[img.format]!);
    assert.equal(settled.State, 'Available', `${img.name}: ${JSON.stringify(settled)}`);
    // FileServer answers ranges, as S3 does: the import streams, never one whole-file GET.
    const asked = files.requests(`oracle-${img.name}`);
    assert.ok(asked.length > 0 && asked.every((r) => r.range !== null), `${img.name}: read in ranges only`);
    const host = await createHost(client, settled.ImageId as string);
    const { stdout } = await import('node:child_process').then((cp) => ({
      stdout: cp.execFileSync('qemu-img', ['info', '--output=json', '-f', img.qemuFormat, img.path]).toString(),
    }));
    const virtualSize = (JSON.parse(stdout) as { 'virtual-size': number })['virtual-size'];
    assert.equal(await headSha256(await diskPath(kiln, host), virtualSize), await qemuRawSha256(img.path, img.qemuFormat, dir), img.name);
    const del = await client.call('TerminateUHostInstance', { UHostId: host });
    assert.equal(del.body.RetCode, 0);
  }
});

test('every hostile image ends Unavailable with its reason and the server keeps serving', async () => {
  const dir = join(kiln.dataDir, 'hostile');
  await mkdir(dir);
  const hostile = await writeHostileImages(dir);
  assert.ok(hostile.length >= 10);
  for (const h of hostile) {
    const settled = await importFile(`hostile-${h.name}`, h.path, wireFormat[h.claimedFormat]!);
    assert.equal(settled.State, 'Unavailable', `${h.name} must be refused`);
    assert.ok(
      String(settled.FailedReason).includes(h.expectedReasonIncludes),
      `${h.name}: reason "${String(settled.FailedReason)}" should mention "${h.expectedReasonIncludes}"`,
    );
  }
  const health = await fetch(`${kiln.baseUrl}/healthz`);
  assert.equal(health.status, 200);
  const listing = await client.call('DescribeImage', { ImageType: 'Custom', Limit: 1 });
  assert.equal(listing.body.RetCode, 0);
});
