/**
 * Authentication and tenant isolation of the ZEC dialect over real HTTP: signatures made
 * the way the SDKs make them, Bearer tokens, refusals that reveal nothing about whether a
 * resource exists, and the replay guard (X-ZC-Action is unsigned): the official SDKs' patterns
 * pass, a captured signature cannot act twice or later as another action.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess, sleep } from '../support/kiln-process.ts';
import { addZecBaseImage, createZecInstance, stopZecInstance, waitCustomImageSettled, waitInstanceStatus, zecClient } from '../support/zec-flow.ts';
import { ZenlayerTestClient, type ZcResult } from '../support/zenlayer-client.ts';

let kiln: KilnProcess;
let alice: ZenlayerTestClient;
let bob: ZenlayerTestClient;
let aliceImageId: string;
let aliceInstanceId: string;
let bobAccountId: string;
let baseImageId: string;
/** KILN_ZC_ACTION_SWITCH_MS of this server. */
const SWITCH_MS = 1500;

before(async () => {
  kiln = await KilnProcess.start({ KILN_ZC_MAX_SKEW_SECONDS: '120', KILN_ZC_ACTION_SWITCH_MS: String(SWITCH_MS) });
  alice = await zecClient(kiln);
  const b = JSON.parse(await kiln.cli(['account', 'create', 'bob', '--json'])) as { accountId: string; publicKey: string; privateKey: string };
  bobAccountId = b.accountId;
  bob = await zecClient(kiln, 'go', b);
  const base = await addZecBaseImage(kiln);
  baseImageId = base;
  aliceInstanceId = await createZecInstance(alice, base);
  await stopZecInstance(alice, aliceInstanceId);
  aliceImageId = (await alice.ok('CreateImage', { instanceId: aliceInstanceId, imageName: 'alice-image' })).imageId as string;
  await waitCustomImageSettled(alice, aliceImageId);
});

after(async () => kiln?.stop());

function refused(r: ZcResult, status: number, code: string): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.code, code, JSON.stringify(r.body));
  assert.equal(r.body.response, undefined);
}

/** The answer without the parts that differ per request or name the id asked about. */
function shape(r: ZcResult, id: string): string {
  return JSON.stringify({ status: r.status, code: r.body.code, message: String(r.body.message).replaceAll(id, '<id>') });
}

test('both SDK serialisations verify, with lower- or mixed-case header names', async () => {
  for (const style of ['python', 'go'] as const) {
    for (const mixedCaseHeaders of [false, true]) {
      // A non-ASCII tag value: Python escapes it (\u00e9), Go sends UTF-8; both are signed as sent.
      const r = await alice.call('DescribeImages', { zoneId: 'asia-east-1a', tags: [{ key: 'note', value: 'café' }] }, { style, mixedCaseHeaders });
      assert.equal(r.status, 200, `${style} ${mixedCaseHeaders}: ${JSON.stringify(r.body)}`);
      const body = r.body as { requestId: string; response: { requestId: string; totalCount: number; dataSet: unknown[] } };
      assert.equal(body.response.requestId, body.requestId);
      assert.equal(body.response.totalCount, 0);
    }
  }
});

test('the Content-Type is signed exactly as sent, and an empty body means no parameters', async () => {
  for (const contentType of ['Application/JSON;charset=UTF-8', 'application/json; charset=utf-8', 'text/plain']) {
    const r = await alice.call('DescribeZones', { zoneIds: ['asia-east-1b'] }, { contentType });
    assert.equal(r.status, 200, `${contentType}: ${JSON.stringify(r.body)}`);
    assert.equal((r.body.response as { zoneSet: unknown[] }).zoneSet.length, 1);
  }
  const empty = await alice.call('DescribeZones', {}, { rawBody: '' });
  assert.equal(empty.status, 200, JSON.stringify(empty.body));
  assert.equal((empty.body.response as { zoneSet: unknown[] }).zoneSet.length, 3);
});

test('a wrong signature, an unknown key, a stale or future timestamp and a body changed after signing are refused', async () => {
  refused(await alice.call('DescribeZones', {}, { signature: 'f'.repeat(64) }), 401, 'AUTHFAILURE_SIGNATURE_FAILURE');
  const wrongSecret = alice.with({ accessKeyPassword: 'not-the-secret' });
  refused(await wrongSecret.call('DescribeZones', {}), 401, 'AUTHFAILURE_SIGNATURE_FAILURE');
  // An unknown AccessKeyId gets exactly the answer a wrong signature gets, save the key id
  // the caller sent, which the message names so a caller sees which key the SDK used.
  const unknownKey = await alice.with({ accessKeyId: 'no-such-key' }).call('DescribeZones', {});
  refused(unknownKey, 401, 'AUTHFAILURE_SIGNATURE_FAILURE');
  const wrongSecretMessage = String((await wrongSecret.call('DescribeZones', {})).body.message);
  assert.equal(wrongSecretMessage, `the signature does not match the request signed with AccessKeyId "${alice.opts.accessKeyId}"`);
  assert.equal(unknownKey.body.message, wrongSecretMessage.replace(alice.opts.accessKeyId!, 'no-such-key'));
  const hostile = await alice.with({ accessKeyId: `k\t${'x'.repeat(100)}` }).call('DescribeZones', {});
  assert.match(String(hostile.body.message), /AccessKeyId "k\\tx{62}…"$/, 'the echoed id is escaped and cut short');

  // Read afresh for each call and kept clear of the 120 s edge: a second that passes between
  // reading the clock and the server's check (CI saw one) moved now + 121 inside the window.
  const now = () => Math.floor(Date.now() / 1000);
  refused(await alice.call('DescribeZones', {}, { timestamp: now() - 125 }), 401, 'AUTHFAILURE_SIGNATURE_EXPIRED');
  refused(await alice.call('DescribeZones', {}, { timestamp: now() + 125 }), 401, 'AUTHFAILURE_SIGNATURE_EXPIRED');
  assert.equal((await alice.call('DescribeZones', {}, { timestamp: now() - 100 })).status, 200, 'within the configured window');

  // Same JSON value, different bytes: the signature covers the bytes.
  const respaced = await alice.call('DeleteImages', { imageIds: [aliceImageId] }, { style: 'go', tamper: (b) => b.replace(',', ', ').replace('[', '[ ') });
  refused(respaced, 401, 'AUTHFAILURE_SIGNATURE_FAILURE');
  const swapped = await alice.call('DescribeCustomImages', { imageIds: ['img-other'] }, { tamper: (b) => b.replace('img-other', aliceImageId) });
  refused(swapped, 401, 'AUTHFAILURE_SIGNATURE_FAILURE');
  assert.equal((await alice.ok('DescribeCustomImages', { imageIds: [aliceImageId] })).totalCount, 1, 'the image survived the refused calls');

  refused(await new ZenlayerTestClient({ baseUrl: kiln.baseUrl, token: '' }).call('DescribeZones', {}), 401, 'AUTHFAILURE_INVALID_AUTHORIZATION');
});

test('a refused signature reveals nothing: the answer is the same for an existing and a missing image', async () => {
  const forged = alice.with({ accessKeyPassword: 'guess' });
  const existing = await forged.call('DeleteImages', { imageIds: [aliceImageId] });
  const missing = await forged.call('DeleteImages', { imageIds: ['img-nonexistent0'] });
  assert.equal(shape(existing, aliceImageId), shape(missing, 'img-nonexistent0'));
});

test("another account's image and instance are refused exactly like ones that do not exist", async () => {
  const pairs: [string, (id: string) => Promise<ZcResult>][] = [
    ['DeleteImages', (id) => bob.call('DeleteImages', { imageIds: [id] })],
    ['ModifyImagesAttributes', (id) => bob.call('ModifyImagesAttributes', { imageIds: [id], imageName: 'stolen' })],
  ];
  for (const [action, call] of pairs) {
    const theirs = await call(aliceImageId);
    const none = await call('img-nonexistent0');
    refused(theirs, 404, 'INVALID_IMAGE_NOT_FOUND');
    assert.equal(shape(theirs, aliceImageId), shape(none, 'img-nonexistent0'), action);
  }
  const theirs = await bob.call('CreateImage', { instanceId: aliceInstanceId, imageName: 'stolen' });
  const none = await bob.call('CreateImage', { instanceId: 'ins-nonexistent0', imageName: 'stolen' });
  refused(theirs, 404, 'INVALID_INSTANCE_NOT_FOUND');
  assert.equal(shape(theirs, aliceInstanceId), shape(none, 'ins-nonexistent0'));

  assert.equal((await bob.ok('DescribeCustomImages', { imageIds: [aliceImageId] })).totalCount, 0);
  assert.equal((await bob.ok('DescribeImages', { zoneId: 'asia-east-1a', imageIds: [aliceImageId] })).totalCount, 0);
  assert.equal((await bob.ok('DescribeInstances', { instanceIds: [aliceInstanceId] })).totalCount, 0);
  assert.deepEqual((await bob.ok('ReleaseInstances', { instanceIds: [aliceInstanceId] })).instanceIds, [aliceInstanceId]);
  // Nothing of Alice's changed.
  const img = (await alice.ok('DescribeCustomImages', { imageIds: [aliceImageId] })).dataSet as { imageName: string }[];
  assert.equal(img[0]!.imageName, 'alice-image');
  assert.equal((await alice.ok('DescribeInstances', { instanceIds: [aliceInstanceId] })).totalCount, 1);
});

test('Bearer tokens from `kiln token create` act for their account; unknown tokens are refused', async () => {
  const forBob = JSON.parse(await kiln.cli(['token', 'create', '--account', 'bob', '--json'])) as { token: string; accountId: string };
  assert.equal(forBob.accountId, bobAccountId);
  const bobByToken = new ZenlayerTestClient({ baseUrl: kiln.baseUrl, token: forBob.token });
  assert.equal((await bobByToken.ok('DescribeCustomImages', {})).totalCount, 0);
  refused(await bobByToken.call('DeleteImages', { imageIds: [aliceImageId] }), 404, 'INVALID_IMAGE_NOT_FOUND');

  const forAdmin = JSON.parse(await kiln.cli(['token', 'create', '--json'])) as { token: string };
  const aliceByToken = new ZenlayerTestClient({ baseUrl: kiln.baseUrl, token: forAdmin.token });
  assert.equal((await aliceByToken.ok('DescribeCustomImages', { imageIds: [aliceImageId] })).totalCount, 1);

  refused(
    await new ZenlayerTestClient({ baseUrl: kiln.baseUrl, token: `${forAdmin.token}x` }).call('DescribeZones', {}),
    401,
    'AUTHFAILURE_INVALID_AUTHORIZATION',
  );
  // Only a hash is stored: the token's text is nowhere in the database (at rest, this
  // is about the engine's own storage, so each stack is read its own way).
  if (kiln.env.KILN_DATABASE_URL) {
    const db = new pg.Client({ connectionString: kiln.env.KILN_DATABASE_URL });
    await db.connect();
    try {
      const dump = JSON.stringify((await db.query('select * from api_tokens')).rows);
      assert.ok(dump.includes(forBob.accountId), 'the tokens are there, hashed');
      assert.equal(dump.includes(forAdmin.token), false);
      assert.equal(dump.includes(forBob.token), false);
    } finally {
      await db.end();
    }
  } else {
    for (const file of ['kiln.sqlite', 'kiln.sqlite-wal']) {
      const bytes = await readFile(join(kiln.dataDir, file)).catch(() => Buffer.alloc(0));
      assert.equal(bytes.includes(forAdmin.token), false, file);
      assert.equal(bytes.includes(forBob.token), false, file);
    }
  }
});

test('unknown actions and services are answered to authenticated callers only', async () => {
  refused(await alice.call('NoSuchAction', {}), 400, 'INVALID_ACTION');
  refused(await alice.with({ service: 'zga' }).call('DescribeZones', {}), 404, 'INVALID_ACTION');
  refused(await alice.with({ accessKeyPassword: 'x' }).call('NoSuchAction', {}), 401, 'AUTHFAILURE_SIGNATURE_FAILURE');
  refused(await alice.call('DescribeZones', {}, { rawBody: '{"zoneIds": ' }), 400, 'INVALID_PARAMETER_TYPE');
  refused(await alice.call('DescribeZones', {}, { rawBody: '[1]' }), 400, 'INVALID_PARAMETER_TYPE');
});

test('zones and instance types come from configuration', async () => {
  const zones = (await alice.ok('DescribeZones', {})).zoneSet as { zoneId: string; regionId: string }[];
  assert.deepEqual(
    zones.map((z) => `${z.regionId}/${z.zoneId}`),
    ['asia-east-1/asia-east-1a', 'asia-east-1/asia-east-1b', 'na-us-la-2/na-us-la-2a'],
  );
  const cpu = (await alice.ok('DescribeZoneInstanceConfigInfos', { zoneId: 'asia-east-1a' })).instanceTypeQuotaSet as {
    instanceType: string;
    cpuCount: number;
    memory: number;
  }[];
  assert.ok(
    cpu.some((t) => t.instanceType === 'z2a.cpu.1' && t.cpuCount === 1 && t.memory === 2),
    JSON.stringify(cpu),
  );
  const gpu = (await alice.ok('DescribeZoneGpuInstanceConfigInfos', { instanceType: 'z3a.g.C49.c8m32.1' })).instanceTypeQuotaSet as {
    zoneId: string;
    gpuAmount: number;
  }[];
  assert.equal(gpu.length, 3, 'one entry per zone');
  assert.ok(gpu.every((t) => t.gpuAmount === 1));
  assert.ok(!cpu.some((t) => t.instanceType.startsWith('z3a.g')), 'GPU types are not listed as CPU types');
});

/** Unix seconds now: the X-ZC-Timestamp the official SDKs put on a call made now. */
function second(): number {
  return Math.floor(Date.now() / 1000);
}

test("the official SDKs' patterns pass: a read polled at 2 Hz, reads with {} back to back, a read and a change with one body in one second", async () => {
  // Polling every 0.5 s with one filter, signed as the SDKs sign (whole seconds, action
  // unsigned): at least two polls fall in one second and carry one signature.
  const stamps: number[] = [];
  for (let i = 0; i < 4; i++) {
    if (i > 0) await sleep(500);
    stamps.push(second());
    const r = await alice.call('DescribeImages', { zoneId: 'asia-east-1a' }, { timestamp: stamps.at(-1)!, style: 'python' });
    assert.equal(r.status, 200, `poll ${i}: ${JSON.stringify(r.body)}`);
  }
  assert.ok(new Set(stamps).size < stamps.length, `two polls shared a second: ${stamps.join(',')}`);

  // Different read actions with the body {} in one second: one signature for all of them.
  const ts = second();
  for (const action of ['DescribeZones', 'DescribeInstances', 'DescribeCustomImages', 'DescribeInstances']) {
    const r = await alice.call(action, {}, { timestamp: ts });
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  }

  // DescribeInstancesStatus then StopInstances with the same instanceIds in one second.
  const id = await createZecInstance(alice, baseImageId);
  const body = { instanceIds: [id] };
  const now = second();
  assert.equal((await alice.call('DescribeInstancesStatus', body, { timestamp: now })).status, 200);
  const stop = await alice.call('StopInstances', body, { timestamp: now });
  assert.equal(stop.status, 200, JSON.stringify(stop.body));
  assert.deepEqual((stop.body.response as { instanceIds: string[] }).instanceIds, [], 'the stop was taken');
  assert.equal((await alice.call('DescribeInstancesStatus', body, { timestamp: now })).status, 200, 'the read still repeats');
  await waitInstanceStatus(alice, id, 'STOPPED');
});

test('a captured signature cannot act twice, nor later as another action, whichever action it was first seen with', async () => {
  const id = await createZecInstance(alice, baseImageId);
  const body = { instanceIds: [id] };
  // Two signatures over one body: one first seen with a read, one first seen with a change.
  const readFirst = second() - 10;
  const changeFirst = readFirst - 1;
  assert.equal((await alice.call('DescribeInstancesStatus', body, { timestamp: readFirst })).status, 200);
  const reboot = await alice.call('RebootInstances', body, { timestamp: changeFirst });
  assert.equal(reboot.status, 200, JSON.stringify(reboot.body));

  // The exact resend of the change, at once: it must not act twice.
  const again = await alice.call('RebootInstances', body, { timestamp: changeFirst });
  refused(again, 401, 'AUTHFAILURE_SIGNATURE_REPLAYED');
  assert.match(String(again.body.message), /already used for RebootInstances/);

  // Later than any client signing in that second could send it: only what each signature
  // already served may be repeated, and only if it reads.
  await sleep(SWITCH_MS + 300);
  for (const [ts, action] of [
    [readFirst, 'ReleaseInstances'],
    [changeFirst, 'ReleaseInstances'],
    [readFirst, 'StopInstances'],
    [changeFirst, 'DescribeInstances'],
  ] as const) {
    const r = await alice.call(action, body, { timestamp: ts });
    refused(r, 401, 'AUTHFAILURE_SIGNATURE_REPLAYED');
    assert.match(String(r.body.message), /another action/, `${action} at ${ts}`);
  }
  refused(await alice.call('RebootInstances', body, { timestamp: changeFirst }), 401, 'AUTHFAILURE_SIGNATURE_REPLAYED');
  assert.equal((await alice.call('DescribeInstancesStatus', body, { timestamp: readFirst })).status, 200, 'the read it served still repeats');
  await waitInstanceStatus(alice, id, 'RUNNING');
  assert.equal((await alice.ok('DescribeInstances', body)).totalCount, 1, 'the instance was not released');
});

test('a signature over X-ZC-Action (as kiln-images-sdk signs) cannot carry another action at all; its reads repeat, its changes act once', async () => {
  const body = { imageIds: ['img-nonexistent0'] };
  const ts = second();
  const read = await alice.call('DescribeCustomImages', body, { timestamp: ts, signAction: true });
  assert.equal(read.status, 200, JSON.stringify(read.body));
  assert.equal((await alice.call('DescribeCustomImages', body, { timestamp: ts, signAction: true })).status, 200);
  // Within the same second, with the signature of the read: the action is part of it.
  refused(await alice.call('DeleteImages', body, { timestamp: ts, signAction: 'DescribeCustomImages' }), 401, 'AUTHFAILURE_SIGNATURE_FAILURE');
  refused(await alice.call('DeleteImages', body, { timestamp: ts, signAction: true }), 404, 'INVALID_IMAGE_NOT_FOUND');
  refused(await alice.call('DeleteImages', body, { timestamp: ts, signAction: true }), 401, 'AUTHFAILURE_SIGNATURE_REPLAYED');
});
