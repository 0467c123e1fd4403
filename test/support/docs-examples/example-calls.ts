/**
 * The calls behind the reference's worked examples: every action of every dialect, once,
 * in an order that makes each one succeed (a host before its capture, a capture before
 * its copy), on one server. `npm run docs:examples` records them into
 * src/docs-site/recorded-examples.ts; test/integration/docs-site.test.ts makes them again
 * and compares. Waits between the steps use unrecorded calls.
 */
import { join } from 'node:path';
import type { WorkedExample } from '../../../src/docs-site/worked-example.ts';
import { writeSparseDisk } from '../disk-files.ts';
import type { FileServer } from '../file-server.ts';
import { waitFor, type KilnProcess } from '../kiln-process.ts';
import { UCloudTestClient } from '../ucloud-client.ts';
import { ZenlayerTestClient } from '../zenlayer-client.ts';
import { ExampleRecorder } from './example-recorder.ts';

const MiB = 1024 * 1024;
type Body = Record<string, unknown>;

/** What the example server needs beyond the defaults: a second UCloud region to copy to, and the file server allowed for imports. */
export function exampleServerEnv(files: FileServer): Record<string, string> {
  return { KILN_REGIONS: 'cn-bj2:cn-bj2-04,cn-bj2-02;cn-sh2:cn-sh2-02', KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}` };
}

interface Account {
  accountId: string;
  projectId: string;
  ucloud: UCloudTestClient;
  zec: ZenlayerTestClient;
}

async function account(kiln: KilnProcess, name: string): Promise<Account> {
  const a = JSON.parse(await kiln.cli(['account', 'create', name, '--json'])) as {
    accountId: string;
    projectId: string;
    publicKey: string;
    privateKey: string;
  };
  return {
    accountId: a.accountId,
    projectId: a.projectId,
    ucloud: new UCloudTestClient({ baseUrl: kiln.baseUrl, publicKey: a.publicKey, privateKey: a.privateKey, region: 'cn-bj2' }),
    zec: new ZenlayerTestClient({ baseUrl: kiln.baseUrl, accessKeyId: a.publicKey, accessKeyPassword: a.privateKey, style: 'go' }),
  };
}

/** Makes every example call against `kiln` (started with exampleServerEnv) and returns them recorded. */
export async function makeExampleCalls(kiln: KilnProcess, files: FileServer): Promise<WorkedExample[]> {
  const fileUrl = `http://127.0.0.1:${files.port}/`;
  const rec = new ExampleRecorder([[fileUrl, 'http://files.internal/']]);
  const disk = join(kiln.dataDir, 'ubuntu-22.04.raw');
  // Small, so the import (which reads every byte, holes included) takes a moment.
  await writeSparseDisk(disk, 8 * MiB, [
    { offset: 0, length: MiB, seed: 1 },
    { offset: 7 * MiB, length: MiB, seed: 2 },
  ]);
  // Each `kiln` command loads the whole service: run the three at once.
  const [alice, bob, baseImage] = await Promise.all([
    account(kiln, 'alice'),
    account(kiln, 'bob'),
    kiln
      .cli(['image', 'add-base', disk, '--name', 'Ubuntu 22.04', '--os-type', 'Linux', '--json'])
      .then((out) => (JSON.parse(out) as { imageId: string }).imageId),
  ]);

  await uhostCalls(rec, alice, baseImage, files.serve('ubuntu-22.04.raw', disk));
  await compShareCalls(rec, alice, bob, baseImage);
  await zecCalls(rec, alice, baseImage, kiln, files);
  return rec.examples;
}

async function uhostCalls(rec: ExampleRecorder, alice: Account, baseImage: string, diskUrl: string): Promise<void> {
  const c = alice.ucloud;
  const u = (action: string, params: Body) => rec.ucloud(c, 'uhost', action, params);
  const hostState = (id: string, state: string) =>
    waitFor(`host ${id} ${state}`, async () => {
      const host = ((await c.call('DescribeUHostInstance', { UHostIds: [id] })).body.UHostSet as Body[] | undefined)?.[0];
      return host?.State === state ? host : undefined;
    });
  const imageState = (id: string, region = 'cn-bj2') =>
    waitFor(`image ${id} Available in ${region}`, async () => {
      const img = ((await c.call('DescribeImage', { ImageId: id, Region: region })).body.ImageSet as Body[] | undefined)?.[0];
      if (img?.State === 'Unavailable') throw new Error(`image ${id} failed: ${JSON.stringify(img)}`);
      return img?.State === 'Available' ? img : undefined;
    });

  const created = await u('CreateUHostInstance', {
    Zone: 'cn-bj2-04',
    ImageId: baseImage,
    Name: 'web-1',
    CPU: 2,
    Memory: 4096,
    LoginMode: 'Password',
    Password: Buffer.from('Passw0rd!').toString('base64'),
    Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }],
  });
  const host = (created.UHostIds as string[])[0]!;
  await hostState(host, 'Running');
  await u('DescribeUHostInstance', { UHostIds: [host] });
  await u('ModifyUHostInstanceName', { UHostId: host, Name: 'web-frontend-1' });
  await u('RebootUHostInstance', { UHostId: host });
  await hostState(host, 'Running');
  await u('StopUHostInstance', { UHostId: host });
  await hostState(host, 'Stopped');
  await u('GetRestResource', { UHostId: host, CPU: 4, Memory: 8192 });
  await u('ResizeUHostInstance', { UHostId: host, CPU: 4, Memory: 8192 });
  await u('ResetUHostInstancePassword', { UHostId: host, Password: Buffer.from('N3w-Passw0rd!').toString('base64') });
  await u('StartUHostInstance', { UHostId: host });
  await hostState(host, 'Running');
  await u('PoweroffUHostInstance', { UHostId: host });
  await hostState(host, 'Stopped');
  await u('ReinstallUHostInstance', { UHostId: host, ImageId: baseImage, Password: Buffer.from('Passw0rd!').toString('base64') });
  await hostState(host, 'Running');
  await c.call('StopUHostInstance', { UHostId: host });
  await hostState(host, 'Stopped');

  const image = (await u('CreateCustomImage', { UHostId: host, ImageName: 'web-golden', ImageDescription: 'nginx on Ubuntu 22.04' })).ImageId as string;
  await imageState(image);
  await u('DescribeImage', { ImageId: image });
  const imported = (
    await u('ImportCustomImage', { ImageName: 'ubuntu-imported', UFileUrl: diskUrl, Format: 'RAW', OsType: 'Linux', OsName: 'Ubuntu 22.04', Auth: true })
  ).ImageId as string;
  await imageState(imported);
  const copy = (
    await u('CopyCustomImage', { SourceImageId: image, TargetRegion: 'cn-sh2', TargetProjectId: alice.projectId, TargetImageName: 'web-golden-sh' })
  ).TargetImageId as string;
  await imageState(copy, 'cn-sh2');
  await u('TerminateCustomImage', { ImageId: imported });
  await u('TerminateUHostInstance', { UHostId: host });
}

async function compShareCalls(rec: ExampleRecorder, alice: Account, bob: Account, baseImage: string): Promise<void> {
  const zone = { Zone: 'cn-bj2-04' };
  const cs = (action: string, params: Body, who: Account = alice) => rec.ucloud(who.ucloud, 'compshare', action, { ...zone, ...params });
  const c = alice.ucloud;
  const hostState = (id: string, state: string) =>
    waitFor(`host ${id} ${state}`, async () => {
      const host = ((await c.call('DescribeCompShareInstance', { ...zone, UHostIds: [id] })).body.UHostSet as Body[] | undefined)?.[0];
      return host?.State === state ? host : undefined;
    });
  const imageAvailable = (id: string) =>
    waitFor(`image ${id} Available`, async () => {
      const img = ((await c.call('DescribeCompShareCustomImages', { ...zone, CompShareImageId: id })).body.ImageSet as Body[] | undefined)?.[0];
      if (img?.Status === 'UnAvailable') throw new Error(`image ${id} failed: ${JSON.stringify(img)}`);
      return img?.Status === 'Available' ? img : undefined;
    });

  await cs('DescribeCompShareImages', { Limit: 10 });
  const created = await cs('CreateCompShareInstance', {
    CompShareImageId: baseImage,
    Name: 'trainer-1',
    MachineType: 'G',
    GpuType: '4090',
    GPU: 1,
    CPU: 16,
    Memory: 65536,
    Password: 'Passw0rd-1',
    Disks: [{ IsBoot: 'True', Type: 'CLOUD_SSD', Size: 1 }],
  });
  const host = (created.UHostIds as string[])[0]!;
  await hostState(host, 'Running');
  await cs('DescribeCompShareInstance', { UHostIds: [host] });
  await cs('RebootCompShareInstance', { UHostId: host });
  await hostState(host, 'Running');
  await cs('StopCompShareInstance', { UHostId: host });
  await hostState(host, 'Stopped');
  await cs('StartCompShareInstance', { UHostId: host });
  await hostState(host, 'Running');
  await c.call('StopCompShareInstance', { ...zone, UHostId: host });
  await hostState(host, 'Stopped');
  await cs('ReinstallCompShareInstance', { UHostId: host, CompShareImageId: baseImage, Password: 'N3w-Passw0rd' });
  await hostState(host, 'Running');
  await c.call('StopCompShareInstance', { ...zone, UHostId: host });
  await hostState(host, 'Stopped');

  const image = (
    await cs('CreateCompShareCustomImage', {
      UHostId: host,
      Name: 'torch-2.4',
      Description: 'PyTorch 2.4 with CUDA 12.4',
      Softwares: { Framework: 'PyTorch', FrameworkVersion: '2.4', CUDAVersion: '12.4', Application: ['JupyterLab'] },
    })
  ).CompShareImageId as string;
  await imageAvailable(image);
  await cs('GetCompShareImageCreateProgress', { CompShareImageId: image });
  await cs('DescribeCompShareCustomImages', { CompShareImageId: image });
  await cs('UpdateCompShareImage', { CompShareImageId: image, Description: 'PyTorch 2.4, CUDA 12.4 and JupyterLab', Tags: ['pytorch'] });
  const copy = (await cs('CopyCompShareCustomImage', { CompShareImageId: image, TargetImageName: 'torch-2.4-experiments' })).NewCompShareImageId as string;
  await imageAvailable(copy);
  await cs('ModifyCompShareImageShareAccount', { CompShareImageId: image, AddAccounts: [bob.accountId] });
  await cs('DescribeCompShareImageShareAccounts', { CompShareImageId: image });
  await cs('DescribeCompShareSharingImages', {}, bob);
  await cs('PublishCompShareImage', {
    CompShareImageId: image,
    Price: 0,
    CommunityImageName: 'PyTorch 2.4 + JupyterLab',
    Readme: '# PyTorch 2.4\n\nJupyterLab listens on port 8888.',
  });
  await cs('DescribeSelfCommunityImages', {});
  await cs('DescribeCommunityImages', { Name: 'PyTorch' }, bob);
  await cs('DescribeUserCommunityImages', {}, bob);
  await cs('DescribeCompShareImageTags', {}, bob);
  await cs('TerminateCompShareCustomImage', { CompShareImageId: copy });
  await cs('TerminateCompShareInstance', { UHostId: host });
}

async function zecCalls(rec: ExampleRecorder, alice: Account, baseImage: string, kiln: KilnProcess, files: FileServer): Promise<void> {
  const c = alice.zec;
  const z = (action: string, params: Body) => rec.zec(c, action, params);
  const status = (id: string, wanted: string) =>
    waitFor(`instance ${id} ${wanted}`, async () => {
      const r = await c.ok('DescribeInstancesStatus', { instanceIds: [id] });
      const s = (r.dataSet as Body[])[0]?.instanceStatus;
      if (s === 'CREATE_FAILED') throw new Error(`instance ${id} failed to create`);
      return s === wanted ? true : undefined;
    });
  const imageIn = (id: string, region?: string) =>
    waitFor(`image ${id} AVAILABLE${region ? ` in ${region}` : ''}`, async () => {
      const img = ((await c.ok('DescribeCustomImages', { imageIds: [id], ...(region ? { regionId: region } : {}) })).dataSet as Body[])[0];
      if (img?.imageStatus === 'FAILED' || img?.imageStatus === 'UNAVAILABLE') throw new Error(`image ${id} failed: ${JSON.stringify(img)}`);
      return img?.imageStatus === 'AVAILABLE' ? img : undefined;
    });

  await z('DescribeZones', {});
  await z('DescribeZoneInstanceConfigInfos', { zoneId: 'asia-east-1a' });
  await z('DescribeZoneGpuInstanceConfigInfos', { zoneId: 'asia-east-1a' });
  await z('DescribeImages', { zoneId: 'asia-east-1a', imageType: 'PUBLIC_IMAGE' });
  const created = await z('CreateZecInstances', {
    zoneId: 'asia-east-1a',
    imageId: baseImage,
    instanceType: 'z2a.cpu.1',
    subnetId: '1272168087751233112',
    instanceName: 'edge-1',
    password: 'Passw0rd-1',
  });
  const instance = (created.instanceIdSet as string[])[0]!;
  await status(instance, 'RUNNING');
  await z('DescribeInstances', { instanceIds: [instance] });
  await z('DescribeInstancesStatus', { instanceIds: [instance] });
  await z('RebootInstances', { instanceIds: [instance] });
  await status(instance, 'RUNNING');
  await z('StopInstances', { instanceIds: [instance] });
  await status(instance, 'STOPPED');
  await z('StartInstances', { instanceIds: [instance] });
  await status(instance, 'RUNNING');
  await c.ok('StopInstances', { instanceIds: [instance] }, { signAction: true }); // not the recorded stop's signature, which is served once
  await status(instance, 'STOPPED');

  const image = (await z('CreateImage', { instanceId: instance, imageName: 'edge-golden' })).imageId as string;
  await imageIn(image);
  await z('DescribeCustomImages', { imageIds: [image] });
  await z('ModifyImagesAttributes', { imageIds: [image], imageName: 'edge-golden.v2', imageDescription: 'nginx edge node' });
  // An import that never finishes holds the account's one slot for imports and copies, so
  // the copy waits in the queue and its progress reads the same on every run.
  const held = (
    await alice.ucloud.call('ImportCustomImage', { ImageName: 'held', UFileUrl: files.stallUrl(), Format: 'RAW', OsType: 'Linux', OsName: 'Linux', Auth: true })
  ).body.ImageId as string;
  await waitFor('the held import to start', async () => ((await kiln.latestJob(held))?.state === 'running' ? true : undefined));
  await z('CopyImage', { imageId: image, regionIdList: ['na-us-la-2'] });
  await z('DescribeImageCopyProgress', { imageId: image });
  await alice.ucloud.call('TerminateCustomImage', { ImageId: held });
  await imageIn(image, 'na-us-la-2');
  await z('DeleteImageCopy', { imageId: image, regionIds: ['na-us-la-2'] });
  await z('DeleteImages', { imageIds: [image] });
  await z('ReleaseInstances', { instanceIds: [instance] });
}
