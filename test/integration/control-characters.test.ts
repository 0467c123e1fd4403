/**
 * Control and bidirectional characters in names, descriptions and URLs (they can disguise text):
 * refused by every dialect in its own shape, over real HTTP with the vendors' signing, in
 * every UCloud encoding, and by the operator CLI; nothing is changed or made.
 */
// stack-neutral: parameter validation refuses controls before a handler reads or writes a store; the creates and imports it makes to have something to rename run on both stacks elsewhere
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { createHost } from '../support/uhost-flow.ts';
import { zecClient, ZONE as ZEC_ZONE, CPU_TYPE } from '../support/zec-flow.ts';
import type { UCloudEncoding, UCloudTestClient } from '../support/ucloud-client.ts';
import type { ZenlayerTestClient } from '../support/zenlayer-client.ts';

const MiB = 1024 * 1024;
const encodings: UCloudEncoding[] = ['get', 'form', 'form+query', 'json'];

/** Each refused character in a name, with what the refusal says about it. */
const EVIL: Array<[string, string]> = [
  ['evil\u0000name\u202e', 'U+0000 (a control character) at character 4'],
  ['esc\u001b[31mred', 'U+001B (a control character) at character 3'],
  ['line\nbreak', 'U+000A (a control character) at character 4'],
  ['tab\tbed', 'U+0009 (a control character) at character 3'],
  ['del\u007f', 'U+007F (a control character) at character 3'],
  ['next\u0085line', 'U+0085 (a control character) at character 4'],
  ['c1\u009b', 'U+009B (a control character) at character 2'],
  ['exe.\u202etxt', 'U+202E (a bidirectional control) at character 4'],
  ['\u202aembed', 'U+202A (a bidirectional control) at character 0'],
  ['iso\u2066late\u2069', 'U+2066 (a bidirectional control) at character 3'],
  ['mark\u200e', 'U+200E (a bidirectional control) at character 4'],
  ['rlm\u200f', 'U+200F (a bidirectional control) at character 3'],
  ['arabic\u061cmark', 'U+061C (a bidirectional control) at character 6'],
  ['😀\u202e', 'U+202E (a bidirectional control) at character 1'],
];

let kiln: KilnProcess;
let admin: UCloudTestClient;
let zec: ZenlayerTestClient;
let baseFile: string;
let baseImageId: string;

before(async () => {
  kiln = await KilnProcess.start();
  admin = await kiln.adminClient();
  zec = await zecClient(kiln);
  baseFile = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(baseFile, 64 * MiB, [{ offset: 0, length: MiB, seed: 3 }]);
  // No --product: UHost and ZEC both offer it.
  baseImageId = (JSON.parse(await kiln.cli(['image', 'add-base', baseFile, '--name', 'Ubuntu 22.04', '--os-type', 'Linux', '--json'])) as { imageId: string })
    .imageId;
});

after(async () => kiln?.stop());

function refused(body: Record<string, unknown>, param: string, why: string): void {
  assert.equal(body.RetCode, 230, JSON.stringify(body));
  assert.equal(body.Message, `Params [${param}] not valid: must not contain ${why}`);
}

test('ModifyUHostInstanceName refuses NUL, C0, DEL, C1 and bidi controls in every encoding; the name stays', async () => {
  const host = await createHost(admin, baseImageId, { Name: 'before' });
  for (const encoding of encodings) {
    for (const [name, why] of EVIL) {
      refused((await admin.call('ModifyUHostInstanceName', { UHostId: host, Name: name }, { encoding })).body, 'Name', why);
    }
  }
  const described = await admin.call('DescribeUHostInstance', { UHostIds: [host] });
  assert.equal((described.body.UHostSet as Array<Record<string, unknown>>)[0]!.Name, 'before');
  // Other text outside ASCII is a name like any other.
  const fine = 'héllo 世界 – ok';
  assert.equal((await admin.call('ModifyUHostInstanceName', { UHostId: host, Name: fine }, { encoding: 'get' })).body.RetCode, 0);
  assert.equal(((await admin.call('DescribeUHostInstance', { UHostIds: [host] })).body.UHostSet as Array<Record<string, unknown>>)[0]!.Name, fine);
  refused(
    (await admin.call('CreateUHostInstance', { Zone: 'cn-bj2-04', ImageId: baseImageId, Name: 'web\u202e', LoginMode: 'Password', Password: 'cGFzcw==' })).body,
    'Name',
    'U+202E (a bidirectional control) at character 3',
  );
});

test('ImportCustomImage refuses a UFileUrl holding a NUL or a tab, and names and descriptions with controls; no image is made', async () => {
  const importing = { ImageName: 'imported', Format: 'RAW', OsType: 'Ubuntu', OsName: 'Ubuntu 22.04', Auth: true };
  for (const encoding of encodings) {
    refused(
      (await admin.call('ImportCustomImage', { ...importing, UFileUrl: 'http://127.0.0.1:9/disk\u0000.raw' }, { encoding })).body,
      'UFileUrl',
      'U+0000 (a control character) at character 23',
    );
    // WHATWG URL parsing drops the tab: the URL checked would not be the URL given.
    refused(
      (await admin.call('ImportCustomImage', { ...importing, UFileUrl: 'http://127.0.0.1\t.evil/disk.raw' }, { encoding })).body,
      'UFileUrl',
      'U+0009 (a control character) at character 16',
    );
  }
  refused(
    (await admin.call('ImportCustomImage', { ...importing, ImageName: 'a\u2067b', UFileUrl: 'http://127.0.0.1:9/disk.raw' })).body,
    'ImageName',
    'U+2067 (a bidirectional control) at character 1',
  );
  refused(
    (await admin.call('ImportCustomImage', { ...importing, ImageDescription: 'two\nlines\u0000', UFileUrl: 'http://127.0.0.1:9/disk.raw' })).body,
    'ImageDescription',
    'U+0000 (a control character) at character 9',
  );
  const custom = await admin.call('DescribeImage', { ImageType: 'Custom' });
  assert.equal(custom.body.TotalCount, 0, JSON.stringify(custom.body));
});

test('CompShare names, descriptions, tags, Readme and software fields refuse controls; descriptions and Readme may span lines', async () => {
  const cs = async (action: string, params: Record<string, unknown>) => (await admin.call(action, { Zone: 'cn-bj2-04', ...params })).body;
  refused(await cs('CreateCompShareCustomImage', { UHostId: 'uhost-none', Name: 'gpu\u202eimage' }), 'Name', 'U+202E (a bidirectional control) at character 3');
  refused(
    await cs('CreateCompShareCustomImage', { UHostId: 'uhost-none', Name: 'gpu', Description: 'ok\n\u009b' }),
    'Description',
    'U+009B (a control character) at character 3',
  );
  // Past the parameters (lines and tabs are allowed here), the host does not exist.
  assert.equal((await cs('CreateCompShareCustomImage', { UHostId: 'uhost-none', Name: 'gpu', Description: 'two\r\nlines\tand a tab' })).RetCode, 8039);
  const update = { CompShareImageId: 'compshareimage-none' };
  refused(await cs('UpdateCompShareImage', { ...update, Name: 'x\u0000' }), 'Name', 'U+0000 (a control character) at character 1');
  refused(await cs('UpdateCompShareImage', { ...update, Tags: ['fine', 'bad\u200f'] }), 'Tags.1', 'U+200F (a bidirectional control) at character 3');
  refused(
    await cs('UpdateCompShareImage', { ...update, Readme: '# Title\n\nrun \u202egpj.exe' }),
    'Readme',
    'U+202E (a bidirectional control) at character 13',
  );
  refused(
    await cs('UpdateCompShareImage', { ...update, Softwares: { Framework: 'torch\u001b' } }),
    'Softwares.Framework',
    'U+001B (a control character) at character 5',
  );
  assert.equal((await cs('UpdateCompShareImage', { ...update, Readme: '# Title\n\n\tcode\r\n' })).RetCode, 8956);
  refused(await cs('CopyCompShareCustomImage', { ...update, TargetImageName: '\u0085' }), 'TargetImageName', 'U+0085 (a control character) at character 0');
  refused(
    await cs('PublishCompShareImage', { ...update, Price: 0, CommunityImageName: 'pub\u2068' }),
    'CommunityImageName',
    'U+2068 (a bidirectional control) at character 3',
  );
});

test('ZEC refuses them with 400 INVALID_PARAMETER_PATTERN_ERROR in names, descriptions, tags and disk names', async () => {
  const expectPattern = (r: { status: number; body: Record<string, unknown> }, param: string, why: string) => {
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.code, 'INVALID_PARAMETER_PATTERN_ERROR', JSON.stringify(r.body));
    assert.equal(r.body.message, `invalid parameter ${param}: must not contain ${why}`);
  };
  for (const style of ['python', 'go'] as const) {
    expectPattern(
      await zec.call('ModifyImagesAttributes', { imageIds: ['img-none'], imageDescription: 'x\u202ey' }, { style }),
      'imageDescription',
      'U+202E (a bidirectional control) at character 1',
    );
    expectPattern(
      await zec.call('CreateImage', { instanceId: 'ins-none', imageName: 'evil\u0000name' }, { style }),
      'imageName',
      'U+0000 (a control character) at character 4',
    );
  }
  const create = { zoneId: ZEC_ZONE, imageId: baseImageId, instanceType: CPU_TYPE, subnetId: '1272168087751233112', instanceCount: 1 };
  expectPattern(
    await zec.call('CreateZecInstances', { ...create, tags: { tags: [{ key: 'env', value: 'prod\u0085' }] } }),
    'tags.tags[0].value',
    'U+0085 (a control character) at character 4',
  );
  expectPattern(
    await zec.call('CreateZecInstances', { ...create, dataDisks: [{ diskName: 'd\u0000', diskSize: 20 }] }),
    'dataDisks[0].diskName',
    'U+0000 (a control character) at character 1',
  );
  expectPattern(
    await zec.call('CreateZecInstances', { ...create, userData: '#!/bin/sh\necho \u2066hi\u2069' }),
    'userData',
    'U+2066 (a bidirectional control) at character 15',
  );
  const listed = await zec.call('DescribeInstances', {});
  assert.equal(listed.status, 200);
  assert.equal((listed.body.response as Record<string, unknown>).totalCount, 0, 'no refused create made an instance');
});

test('operator CLI: base image and project names are held to the same rule; account names to their own', async () => {
  await assert.rejects(
    kiln.cli(['image', 'add-base', baseFile, '--name', 'evil\u202ename', '--os-type', 'Linux']),
    /kiln: --name must not contain U\+202E \(a bidirectional control\) at character 4/,
  );
  await assert.rejects(
    kiln.cli(['image', 'add-base', baseFile, '--name', 'ok', '--os-name', 'Ubuntu\u001b[2J', '--os-type', 'Linux']),
    /kiln: --os-name must not contain U\+001B/,
  );
  await assert.rejects(kiln.cli(['account', 'project', 'admin', '--name', 'proj\u0085']), /kiln: project name must not contain U\+0085/);
  await assert.rejects(kiln.cli(['account', 'create', 'bob\u202e']), /kiln: account name "bob\u202e" must be 1-64 letters/);
  const images = await admin.call('DescribeImage', { ImageType: 'Base' });
  assert.equal(images.body.TotalCount, 1, 'no base image was added');
});
