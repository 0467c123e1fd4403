import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeSparseDisk } from '../support/disk-files.ts';
import { addCompShareBase, createGpuHost, describeImage, ok, otherAccount, stopGpuHost, waitImageAvailable, type Body } from '../support/compshare-flow.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { addZecBaseImage, createZecInstance, stopZecInstance, waitCustomImageSettled, zecClient } from '../support/zec-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

/**
 * Lost updates: concurrent changes of different fields of one image must all stick.
 * Every update here is a separate signed HTTP call, all 50 in flight at once.
 */
const MiB = 1024 * 1024;
let kiln: KilnProcess;

before(async () => {
  kiln = await KilnProcess.start();
});

after(async () => {
  await kiln?.stop();
});

/** One UpdateCompShareImage per field, each checkable on its own in the image's answer. */
const compShareFields: { params: (i: number) => Body; check: (img: Body, i: number) => void }[] = [
  { params: (i) => ({ Name: `racer-${i}` }), check: (img, i) => assert.equal(img.Name, `racer-${i}`) },
  { params: (i) => ({ Description: `description ${i}` }), check: (img, i) => assert.equal(img.Description, `description ${i}`) },
  { params: (i) => ({ Readme: `# readme ${i}` }), check: (img, i) => assert.equal(img.Readme, `# readme ${i}`) },
  {
    params: (i) => ({ Cover: Buffer.from(`cover ${i}`).toString('base64') }),
    check: (img, i) => assert.equal(img.Cover, Buffer.from(`cover ${i}`).toString('base64')),
  },
  { params: (i) => ({ Tags: [`tag-${i}`, 'gpu'] }), check: (img, i) => assert.deepEqual(img.Tags, [`tag-${i}`, 'gpu']) },
  { params: (i) => ({ Softwares: { Framework: `torch-${i}` } }), check: (img, i) => assert.equal((img.Softwares as Body).Framework, `torch-${i}`) },
  { params: (i) => ({ Softwares: { FrameworkVersion: `2.${i}` } }), check: (img, i) => assert.equal((img.Softwares as Body).FrameworkVersion, `2.${i}`) },
  { params: (i) => ({ Softwares: { CUDAVersion: `12.${i}` } }), check: (img, i) => assert.equal((img.Softwares as Body).CUDAVersion, `12.${i}`) },
  {
    params: (i) => ({ Softwares: { Applications: [`jupyter-${i}`] } }),
    check: (img, i) => assert.deepEqual((img.Softwares as Body).Applications, [`jupyter-${i}`]),
  },
  { params: () => ({ Visibility: 1 }), check: (img) => assert.equal(img.Visibility, 1) },
];

test('CompShare: 50 concurrent UpdateCompShareImage calls of different fields (10 per image, 5 images) all stick', async () => {
  const owner: UCloudTestClient = await kiln.adminClient();
  const base = join(kiln.dataDir, 'cs-base.raw');
  await writeSparseDisk(base, 16 * MiB, [{ offset: 0, length: MiB, seed: 1 }]);
  const host = await createGpuHost(owner, await addCompShareBase(kiln, base, 'Ubuntu 22.04 CUDA'));
  await stopGpuHost(owner, host);
  const first = (await ok(owner, 'CreateCompShareCustomImage', { UHostId: host, Name: 'race-0' })).CompShareImageId as string;
  await waitImageAvailable(owner, first);
  const images = [first];
  for (let i = 1; i < 5; i++) {
    images.push((await ok(owner, 'CopyCompShareCustomImage', { CompShareImageId: first, TargetImageName: `race-${i}` })).NewCompShareImageId as string);
  }

  const calls = images.flatMap((id, i) => compShareFields.map((f) => ({ CompShareImageId: id, ...f.params(i) })));
  assert.equal(calls.length, 50);
  const answers = await Promise.all(calls.map((params) => owner.call('UpdateCompShareImage', { Zone: 'cn-bj2-04', ...params })));
  for (const a of answers) assert.equal(a.body.RetCode, 0, JSON.stringify(a.body));

  for (const [i, id] of images.entries()) {
    const img = await describeImage(owner, id);
    assert.ok(img, `image ${id} is listed`);
    for (const f of compShareFields) f.check(img, i);
  }

  // A second account can change none of them, and sees only what was published.
  const other = (await otherAccount(kiln, 'racer-other')).client;
  const refused = await other.call('UpdateCompShareImage', { Zone: 'cn-bj2-04', CompShareImageId: first, Description: 'not mine' });
  assert.notEqual(refused.body.RetCode, 0);
  assert.equal((await describeImage(owner, first))?.Description, 'description 0');
});

test('ZEC: 50 concurrent ModifyImagesAttributes calls of different fields (name and description of 25 images) all stick', async () => {
  const c = await zecClient(kiln);
  const source = await createZecInstance(c, await addZecBaseImage(kiln));
  await stopZecInstance(c, source);
  const images: string[] = [];
  for (let i = 0; i < 25; i++) {
    const id = (await c.ok('CreateImage', { instanceId: source, imageName: `zrace-${i}` })).imageId as string;
    assert.equal((await waitCustomImageSettled(c, id)).imageStatus, 'AVAILABLE');
    images.push(id);
  }

  const calls = images.flatMap((id, i) => [
    { imageIds: [id], imageName: `renamed-${i}` },
    { imageIds: [id], imageDescription: `described ${i}` },
  ]);
  const answers = await Promise.all(calls.map((params) => c.call('ModifyImagesAttributes', params)));
  for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));

  const listed = await c.ok('DescribeCustomImages', { imageIds: images, pageSize: 100 });
  const byId = new Map((listed.dataSet as Body[]).map((img) => [img.imageId as string, img]));
  for (const [i, id] of images.entries()) {
    assert.equal(byId.get(id)?.imageName, `renamed-${i}`);
    assert.equal(byId.get(id)?.imageDescription, `described ${i}`);
  }
});

test('ZEC ModifyImagesAttributes: errors in ZEC shape, all-or-nothing, and a second tenant changes nothing', async () => {
  const c = await zecClient(kiln);
  const listed = await c.ok('DescribeCustomImages', { pageSize: 2 });
  const [a, b] = (listed.dataSet as Body[]).map((img) => img.imageId as string);
  assert.ok(a && b);

  const neither = await c.call('ModifyImagesAttributes', { imageIds: [a] });
  assert.equal(neither.status, 400);
  assert.equal(neither.body.code, 'MISSING_PARAMETER');

  const unknown = await c.call('ModifyImagesAttributes', { imageIds: [a, 'img-nosuchimage'], imageName: 'all-or-nothing' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'INVALID_IMAGE_NOT_FOUND');
  const after = await c.ok('DescribeCustomImages', { imageIds: [a] });
  assert.notEqual((after.dataSet as Body[])[0]?.imageName, 'all-or-nothing', 'one unknown id changes none');

  const account = JSON.parse(await kiln.cli(['account', 'create', 'zec-racer-other', '--json'])) as { publicKey: string; privateKey: string };
  const other = await zecClient(kiln, 'go', account);
  const theirs = await other.call('ModifyImagesAttributes', { imageIds: [b], imageDescription: 'not mine' });
  assert.equal(theirs.status, 404);
  assert.equal(theirs.body.code, 'INVALID_IMAGE_NOT_FOUND');
  assert.equal((await other.ok('DescribeCustomImages', {})).totalCount, 0, 'the second tenant sees none of them');
  const mine = await c.ok('DescribeCustomImages', { imageIds: [b] });
  assert.notEqual((mine.dataSet as Body[])[0]?.imageDescription, 'not mine');
});
