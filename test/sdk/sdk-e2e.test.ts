/** The SDK against a real `kiln serve`: capture, import with progress, failure with its reason, typed errors, tokens. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiError, ImageFailedError, ZecClient, type ImageProgress } from 'kiln-images-sdk';
import { generatedFiles } from '../../src/generate/outputs.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { sdkClients } from '../support/sdk-clients.ts';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let clients: Awaited<ReturnType<typeof sdkClients>>;
const files = new FileServer();
let slowUrl: string;

before(async () => {
  await files.start();
  const dir = (await import('node:fs/promises')).mkdtemp(join((await import('node:os')).tmpdir(), 'kiln-sdk-'));
  const src = join(await dir, 'slow.raw');
  await writeSparseDisk(src, 24 * MiB, [{ offset: 0, length: 24 * MiB, seed: 5 }]);
  slowUrl = files.serve('slow.raw', src, { ranges: false, bytesPerSecond: 8 * MiB });
  // Progress reaches the store with each heartbeat (3 s by default, about as long as the
  // slow import takes): beat often, so the waiter is sure to see bytes while it runs.
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`, KILN_JOB_HEARTBEAT_MS: '300' });
  clients = await sdkClients(kiln);
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

test('UHost capture through the SDK: create, stop, capture, waitForImage', async () => {
  const { uhost } = clients;
  const base = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(base, 16 * MiB, [{ offset: 0, length: MiB, seed: 1 }]);
  const { imageId } = JSON.parse(await kiln.cli(['image', 'add-base', base, '--name', 'Base', '--os-type', 'Linux', '--product', 'uhost', '--json'])) as {
    imageId: string;
  };
  const { UHostIds } = await uhost.createUHostInstance({
    Zone: 'cn-bj2-04',
    ImageId: imageId,
    LoginMode: 'Password',
    Password: 'UGFzc3cwcmQh',
    Disks: [{ IsBoot: true, Type: 'CLOUD_SSD', Size: 1 }],
  });
  const host = UHostIds[0]!;
  const state = async (want: string) =>
    waitFor(`host ${want}`, async () => ((await uhost.describeUHostInstance({ UHostIds: [host] })).UHostSet[0]?.State === want ? true : undefined));
  await state('Running');
  await uhost.stopUHostInstance({ UHostId: host });
  await state('Stopped');
  const { ImageId } = await uhost.createCustomImage({ UHostId: host, ImageName: 'captured' });
  const seen: ImageProgress[] = [];
  const done = await uhost.waitForImage(ImageId, { onProgress: (p) => seen.push(p), intervalMs: 50 });
  assert.equal(done.state, 'available');
  assert.equal(seen.at(-1)?.state, 'available');
});

test('an import reports progress in bytes until Available', async () => {
  const { uhost } = clients;
  const { ImageId } = await uhost.importCustomImage({
    ImageName: 'slow',
    UFileUrl: slowUrl,
    OsType: 'Ubuntu',
    OsName: 'Ubuntu 22.04',
    Format: 'RAW',
    Auth: true,
  });
  const seen: ImageProgress[] = [];
  await uhost.waitForImage(ImageId, { onProgress: (p) => seen.push(p), intervalMs: 100, maxIntervalMs: 200 });
  const making = seen.filter((p) => p.state === 'making' && (p.doneBytes ?? 0) > 0);
  assert.ok(making.length > 0, `progress with bytes while making: ${JSON.stringify(seen)}`);
  assert.ok(making.every((p) => p.totalBytes! >= p.doneBytes! && p.percent! <= 100));
  // The slow server ignores Range: the file is downloaded (step 1 of 2, counted against
  // its announced 24 MiB from the first reading), then converted (step 2 of 2).
  const downloading = making.filter((p) => p.phase === 'download');
  assert.ok(downloading.length > 0, JSON.stringify(making));
  assert.ok(
    downloading.every((p) => p.phaseIndex === 1 && p.phaseCount === 2 && p.totalBytes === 24 * MiB),
    JSON.stringify(downloading),
  );
  assert.ok(
    making.every((p) => p.phase === 'download' || p.phase === 'convert'),
    JSON.stringify(making),
  );
  // Only forward: the step never goes back, the bytes never drop within a step, nor the percent overall.
  for (let i = 1; i < making.length; i++) {
    const [a, b] = [making[i - 1]!, making[i]!];
    assert.ok(b.phaseIndex! > a.phaseIndex! || (b.phaseIndex === a.phaseIndex && b.doneBytes! >= a.doneBytes!), JSON.stringify([a, b]));
    assert.ok(b.percent! >= a.percent!, JSON.stringify([a, b]));
  }
  // A rate over the last readings once a step has two of them.
  if (downloading.length >= 2) assert.ok(downloading.at(-1)!.bytesPerSecond! > 0, JSON.stringify(downloading));
  const last = seen.at(-1)!;
  assert.equal(last.state, 'available');
  // The image's real size and the import's average rate, not "0 of ? bytes".
  assert.deepEqual([last.doneBytes, last.totalBytes], [24 * MiB, 24 * MiB]);
  assert.ok(last.bytesPerSecond! > 0, JSON.stringify(last));
});

test('a failed import rejects the waiter with its FailedReason, in every product', async () => {
  const bogus = join(kiln.dataDir, 'not-qcow2.raw');
  await writeSparseDisk(bogus, 2 * MiB, [{ offset: 0, length: MiB, seed: 3 }]);
  const { ImageId } = await clients.uhost.importCustomImage({
    ImageName: 'bad',
    UFileUrl: files.serve('bad.raw', bogus),
    OsType: 'Ubuntu',
    OsName: 'Ubuntu',
    Format: 'qcow2',
    Auth: true,
  });
  await assert.rejects(
    clients.uhost.waitForImage(ImageId, { intervalMs: 50 }),
    (e: unknown) => e instanceof ImageFailedError && e.imageId === ImageId && /qcow2|raw|format/i.test(e.reason),
  );
});

test('errors carry the vendor code: UCloud RetCode, ZEC code and status', async () => {
  await assert.rejects(
    clients.uhost.terminateCustomImage({ ImageId: 'uimage-nope' }),
    (e: unknown) => e instanceof ApiError && e.code === '8956' && e.status === 200,
  );
  await assert.rejects(
    clients.uhost.describeImage({ Limit: 5000 }),
    (e: unknown) => e instanceof ApiError && e.retCode === 230 && /Params \[Limit\] not valid/.test(e.message),
  );
  await assert.rejects(
    clients.zec.deleteImages({ imageIds: ['img-nope'] }),
    (e: unknown) => e instanceof ApiError && e.code === 'INVALID_IMAGE_NOT_FOUND' && e.status === 404 && e.requestId?.startsWith('T') === true,
  );
  await assert.rejects(clients.zec.describeImages({ zoneId: 'nowhere' }), (e: unknown) => e instanceof ApiError && e.code === 'INVALID_PARAMETER_VALUE');
});

test('a ZEC read whose answer is lost is sent again and the server takes it, even with the same signature', async () => {
  // The first answer is dropped after the server has accepted the request, as a
  // connection reset on the way back would. A read may repeat its signature, so the
  // retry needs no new second.
  const c = await kiln.credentials();
  const sent: string[] = [];
  const lossy = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(url, init);
    sent.push(new Headers(init?.headers).get('authorization') ?? '');
    if (sent.length === 1) {
      await response.text();
      throw new TypeError('fetch failed: ECONNRESET');
    }
    return response;
  };
  const zec = new ZecClient({ endpoint: kiln.baseUrl, accessKeyId: c.publicKey, accessKeyPassword: c.privateKey, fetch: lossy, retry: { baseDelayMs: 1 } });
  const zones = await zec.describeZones();
  assert.ok(zones.zoneSet.length > 0);
  assert.equal(sent.length, 2);
  assert.ok(
    sent.every((a) => a.includes('SignedHeaders=content-type;host;x-zc-action,')),
    sent[0],
  );
});

test('a ZEC request from the SDK signs its action: resent as another action it is refused at once; the same change twice in one second is sent in two seconds', async () => {
  const c = await kiln.credentials();
  const captured: { url: string; headers: Headers; body: string }[] = [];
  const recording = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    captured.push({ url: String(url), headers: new Headers(init?.headers), body: String(init?.body) });
    return fetch(url, init);
  };
  const zec = new ZecClient({ endpoint: kiln.baseUrl, accessKeyId: c.publicKey, accessKeyPassword: c.privateKey, fetch: recording });
  const ids = { imageIds: ['img-nonexistent0'] };
  assert.equal((await zec.describeCustomImages(ids)).totalCount, 0);
  const read = captured[0]!;
  read.headers.set('x-zc-action', 'DeleteImages');
  const substituted = await fetch(read.url, { method: 'POST', headers: read.headers, body: read.body });
  assert.equal(substituted.status, 401);
  assert.equal(((await substituted.json()) as { code: string }).code, 'AUTHFAILURE_SIGNATURE_FAILURE');

  // Not found both times: neither is refused as a replay of the other.
  for (let i = 0; i < 2; i++) {
    await assert.rejects(zec.deleteImages(ids), (e: unknown) => e instanceof ApiError && e.code === 'INVALID_IMAGE_NOT_FOUND');
  }
  const deletes = captured.filter((r) => r.headers.get('x-zc-action') === 'DeleteImages' && r !== read);
  assert.equal(deletes.length, 2);
  assert.notEqual(deletes[0]!.headers.get('x-zc-timestamp'), deletes[1]!.headers.get('x-zc-timestamp'));
});

test('a ZEC client with a Bearer token', async () => {
  const { token } = JSON.parse(await kiln.cli(['token', 'create', '--json'])) as { token: string };
  const zec = new ZecClient({ endpoint: kiln.baseUrl, token });
  const zones = await zec.describeZones();
  assert.ok(zones.zoneSet.length > 0);
  await assert.rejects(new ZecClient({ endpoint: kiln.baseUrl, token: 'nope' }).describeZones(), (e: unknown) => e instanceof ApiError && e.status === 401);
});

test('GET /docs serves the reference generated from the running registries', async () => {
  const files = generatedFiles();
  for (const page of ['ucloud.md', 'zenlayer.md']) {
    const r = await fetch(`${kiln.baseUrl}/docs/${page}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/markdown/);
    assert.equal(await r.text(), files[`docs/${page}`]);
  }
  assert.equal(await (await fetch(`${kiln.baseUrl}/docs`, { headers: { accept: 'text/markdown' } })).text(), files['docs/README.md']);
  assert.match(files['docs/README.md']!, /GET \/v1\/images\/download/);
});
