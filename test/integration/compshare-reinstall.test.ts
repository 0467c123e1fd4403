/**
 * ReinstallCompShareInstance from an official, an own custom and a community
 * image, on the same core operation as UHost's reinstall; the system disk holds the
 * image's bytes after each, and a tenant's private image is nobody else's to install.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { patternBlock, sha256File, writeAt, writeSparseDisk } from '../support/disk-files.ts';
import { firstDifference } from '../support/disk-compare.ts';
import {
  addCompShareBase,
  createGpuHost,
  cs,
  diskPath,
  ok,
  otherAccount,
  stopGpuHost,
  waitGpuHostState,
  waitImageAvailable,
} from '../support/compshare-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let owner: UCloudTestClient;
let other: UCloudTestClient;
let officialA: string;
let officialB: string;
let fileB: string;

before(async () => {
  kiln = await KilnProcess.start();
  owner = await kiln.adminClient();
  other = (await otherAccount(kiln, 'second')).client;
  const fileA = join(kiln.dataDir, 'a.raw');
  fileB = join(kiln.dataDir, 'b.raw');
  await writeSparseDisk(fileA, 8 * MiB, [{ offset: 0, length: MiB, seed: 11 }]);
  await writeSparseDisk(fileB, 12 * MiB + 512, [
    { offset: 0, length: MiB, seed: 12 },
    { offset: 4 * MiB - 10, length: 20, seed: 13 },
    { offset: 12 * MiB, length: 512, seed: 14 },
  ]);
  officialA = await addCompShareBase(kiln, fileA, 'Ubuntu 22.04 CUDA 12.1');
  officialB = await addCompShareBase(kiln, fileB, 'Ubuntu 24.04 CUDA 12.4');
});

after(async () => {
  await kiln?.stop();
});

/** A custom image of `c` whose system disk holds a pattern; returns it and the source disk's hash. */
async function customImage(c: UCloudTestClient, name: string, seed: number): Promise<{ imageId: string; sha: string }> {
  const host = await createGpuHost(c, officialA);
  const disk = await diskPath(kiln, host);
  await writeAt(disk, 2 * MiB + seed, patternBlock(seed, MiB));
  await stopGpuHost(c, host);
  const created = await ok(c, 'CreateCompShareCustomImage', { UHostId: host, Name: name });
  const imageId = created.CompShareImageId as string;
  await waitImageAvailable(c, imageId);
  return { imageId, sha: await sha256File(disk) };
}

async function reinstall(c: UCloudTestClient, host: string, imageId: string): Promise<Record<string, unknown>> {
  const r = await ok(c, 'ReinstallCompShareInstance', { UHostId: host, CompShareImageId: imageId, Password: 'N3w-Passw0rd' });
  assert.equal(r.UHostId, host);
  return waitGpuHostState(c, host, 'Running');
}

test('official, own custom and community images each become the system disk, byte for byte', async () => {
  const own = await customImage(owner, 'own-image', 21);
  const shared = await customImage(other, 'community-image', 22);
  await ok(other, 'PublishCompShareImage', { CompShareImageId: shared.imageId, Price: 0 });

  const host = await createGpuHost(owner, officialA);
  const running = await cs(owner, 'ReinstallCompShareInstance', { UHostId: host, CompShareImageId: officialB });
  assert.equal(running.RetCode, 8010, JSON.stringify(running));
  await stopGpuHost(owner, host);

  let h = await reinstall(owner, host, officialB);
  assert.equal(h.CompShareImageId, officialB);
  assert.equal(await firstDifference(await diskPath(kiln, host), fileB), -1, 'the official image, zeros after');

  await stopGpuHost(owner, host);
  h = await reinstall(owner, host, own.imageId);
  assert.equal(h.CompShareImageId, own.imageId);
  assert.equal(await sha256File(await diskPath(kiln, host)), own.sha);

  await stopGpuHost(owner, host);
  h = await reinstall(owner, host, shared.imageId);
  assert.equal(h.CompShareImageId, shared.imageId);
  assert.equal(await sha256File(await diskPath(kiln, host)), shared.sha);
});

test('refusals in UCloud shape; another tenant can neither reinstall my host nor use my private image', async () => {
  const mine = await customImage(owner, 'private-image', 23);
  const host = await createGpuHost(owner, officialA);
  await stopGpuHost(owner, host);
  const theirs = await createGpuHost(other, officialA);
  await stopGpuHost(other, theirs);

  const missing = await cs(owner, 'ReinstallCompShareInstance', { UHostId: host });
  assert.equal(missing.RetCode, 230);
  assert.match(String(missing.Message), /^Params \[CompShareImageId\] not available/);
  const noZone = await owner.call('ReinstallCompShareInstance', { UHostId: host, CompShareImageId: officialB });
  assert.equal(noZone.body.RetCode, 230, 'CompShare pages require the zone');
  const unknown = await cs(owner, 'ReinstallCompShareInstance', { UHostId: host, CompShareImageId: 'compshareimage-nope' });
  assert.equal(unknown.RetCode, 8956);

  const onMine = await cs(other, 'ReinstallCompShareInstance', { UHostId: host, CompShareImageId: officialB });
  assert.equal(onMine.RetCode, 8039, JSON.stringify(onMine));
  const withMine = await cs(other, 'ReinstallCompShareInstance', { UHostId: theirs, CompShareImageId: mine.imageId });
  assert.equal(withMine.RetCode, 8956, JSON.stringify(withMine));
  // UHost images are not CompShare images, and the reverse.
  const uhostHost = await cs(owner, 'ReinstallUHostInstance', { UHostId: host, ImageId: officialB, Password: 'UGFzc3cwcmQh' });
  assert.equal(uhostHost.RetCode, 8039, 'a CompShare host is not a UHost host');

  assert.equal((await waitGpuHostState(owner, host, 'Stopped')).CompShareImageId, officialA);
  assert.equal((await waitGpuHostState(other, theirs, 'Stopped')).CompShareImageId, officialA);
});
