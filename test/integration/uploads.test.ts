/**
 * Kiln's own upload endpoint (tus 1.0.0) over real HTTP, on the current stack: a sparse
 * qcow2 comes back byte-exact and gives the same manifest as a URL import of that file;
 * a cut PATCH resumes from the offset HEAD reports without sending stored bytes again; a
 * wrong checksum and the hostile corpus fail the image with the reason; another account's
 * upload answers like a missing one; an abandoned upload expires and the collector leaves
 * nothing of it.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FileServer } from '../support/file-server.ts';
import { allChunkKeys } from '../support/kiln-stores.ts';
import { HOSTILE_MAX_VIRTUAL_SIZE, patternBytes, qemuImg, qemuIo, writeHostileImages } from '../support/disk-images.ts';
import { startInProcessServer, type InProcessServer } from '../support/in-process-server.ts';
import { sha256Checksum, TusTestClient } from '../support/tus-client.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { waitImageSettled } from '../support/uhost-flow.ts';
import { saveStream } from '../support/download-file.ts';

const MiB = 1024 * 1024;
let server: InProcessServer;
let dir: string;
let signed: TusTestClient;
let admin: UCloudTestClient;
let bearer: TusTestClient;
let bearerHeader: string;
const files = new FileServer();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-uploads-'));
  await files.start();
  server = await startInProcessServer('uploads', {
    env: {
      KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`,
      KILN_MAX_VIRTUAL_SIZE: String(HOSTILE_MAX_VIRTUAL_SIZE),
      KILN_UPLOAD_MAX_OPEN_PER_ACCOUNT: '50',
      // The hostile corpus is forty imports of one account: let them run side by side.
      KILN_IMPORT_WORKERS: '4',
      KILN_IMPORT_WORKERS_PER_ACCOUNT: '0',
    },
  });
  signed = new TusTestClient(server.baseUrl, server.admin);
  admin = server.adminClient();
  const token = await server.core.kiln.services.tokens.create();
  bearer = new TusTestClient(server.baseUrl, { token: token.token });
  bearerHeader = `Bearer ${token.token}`;
});

after(async () => {
  await files.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Creates an upload of `file` and sends it whole; returns the upload id and image id. */
async function uploadWhole(client: TusTestClient, file: string, name: string, format = 'QCOW2', checksum?: string): Promise<{ id: string; imageId: string }> {
  const size = (await stat(file)).size;
  const created = await client.create({ length: size, product: 'uhost', name, format, checksum: checksum ?? (await sha256Checksum(file)) });
  assert.equal(created.status, 201, created.body);
  const id = created.headers.location!.split('/').pop()!;
  const sent = await client.patch(id, file, 0, size);
  assert.notEqual(sent, 'cut');
  if (sent !== 'cut') {
    assert.equal(sent.status, 204, sent.body);
    assert.equal(sent.headers['upload-offset'], String(size));
  }
  return { id, imageId: created.headers['kiln-image-id']! };
}

/** Polls HEAD until the offset holds still: a part in flight when a connection was cut lands a moment later. */
async function settledOffset(client: TusTestClient, id: string): Promise<number> {
  let last = -1;
  for (;;) {
    const head = await client.head(id);
    assert.equal(head.status, 200);
    const offset = Number(head.headers['upload-offset']);
    if (offset === last) return offset;
    last = offset;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function download(imageId: string, path: string, format: 'raw' | 'qcow2'): Promise<void> {
  const url = signed.url('/v1/images/download', { Action: 'DownloadImage', ImageId: imageId, Product: 'uhost', Format: format });
  const res = await fetch(url);
  assert.equal(res.status, 200);
  await saveStream(res.body!, path);
}

test('OPTIONS answers what the server speaks, without authentication', async () => {
  const res = await fetch(`${server.baseUrl}/v1/uploads`, { method: 'OPTIONS' });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('tus-resumable'), '1.0.0');
  assert.equal(res.headers.get('tus-version'), '1.0.0');
  assert.equal(res.headers.get('tus-extension'), 'creation,termination,expiration');
  assert.match(res.headers.get('tus-max-size') ?? '', /^\d+$/);
});

test('a 1 GiB sparse qcow2 uploads byte-exact, and its manifest is the one a URL import of the file makes', async () => {
  const file = join(dir, 'sparse.qcow2');
  await qemuImg('create', '-f', 'qcow2', file, '1G');
  await qemuIo('qcow2', file, 'write -P 0x5a 0 3M', 'write -P 0xa5 500M 1M', 'write -P 0x11 1020M 4M');
  const { imageId } = await uploadWhole(signed, file, 'uploaded-sparse');
  const img = await waitImageSettled(admin, imageId);
  assert.equal(img.State, 'Available', String(img.FailedReason));
  const back = join(dir, 'sparse-back.qcow2');
  await download(imageId, back, 'qcow2');
  await qemuImg('compare', '-f', 'qcow2', '-F', 'qcow2', file, back);

  const viaUrl = await admin.call('ImportCustomImage', {
    Region: 'cn-bj2',
    ImageName: 'url-sparse',
    UFileUrl: files.serve('sparse.qcow2', file),
    OsType: 'Linux',
    OsName: 'Linux',
    Format: 'qcow2',
    Auth: true,
  });
  assert.equal(viaUrl.body.RetCode, 0, JSON.stringify(viaUrl.body));
  const urlImageId = String(viaUrl.body.ImageId);
  assert.equal((await waitImageSettled(admin, urlImageId)).State, 'Available');
  const images = server.core.kiln.store.images;
  assert.deepEqual(await images.getManifest(imageId), await images.getManifest(urlImageId));
});

test('a PATCH cut at 40% resumes from the offset HEAD reports, and stored bytes are not sent again', async () => {
  const file = join(dir, 'cut.raw');
  const size = 22 * MiB;
  await writeFile(file, patternBytes(7, size));
  const created = await bearer.create({ length: size, product: 'uhost', name: 'uploaded-cut', format: 'RAW', checksum: await sha256Checksum(file) });
  assert.equal(created.status, 201, created.body);
  const id = created.headers.location!.split('/').pop()!;
  const before = bearer.sentBytes;
  const cutAt = Math.floor(size * 0.4);
  // Cut once two parts are stored, while the third is being filled.
  assert.equal(await bearer.patch(id, file, 0, size, { cutAfter: cutAt, beforeCut: () => bearer.untilStored(id, 8 * MiB) }), 'cut');
  const offset = await settledOffset(bearer, id);
  // Only whole parts are kept: what HEAD says arrived is a part boundary at or before the cut.
  assert.equal(offset, 8 * MiB, `offset ${offset} after a cut at ${cutAt}`);
  // Progress shows the upload as the first of its phases, in the bytes stored.
  const imageId = created.headers['kiln-image-id']!;
  const progressUrl = bearer.url('/v1/images/progress', { Action: 'GetImageProgress', ImageId: imageId, Product: 'uhost' });
  const progress = (await (await fetch(progressUrl, { headers: { authorization: bearerHeader } })).json()) as Record<string, unknown>;
  assert.deepEqual(
    {
      State: progress.State,
      Phase: progress.Phase,
      PhaseIndex: progress.PhaseIndex,
      PhaseCount: progress.PhaseCount,
      DoneBytes: progress.DoneBytes,
      TotalBytes: progress.TotalBytes,
    },
    { State: 'Making', Phase: 'upload', PhaseIndex: 1, PhaseCount: 3, DoneBytes: offset, TotalBytes: size },
  );
  const resumed = await bearer.patch(id, file, offset, size);
  assert.notEqual(resumed, 'cut');
  if (resumed !== 'cut') assert.equal(resumed.status, 204, resumed.body);
  assert.equal(bearer.sentBytes - before, cutAt + (size - offset), 'the resume sent only the bytes not yet stored');
  const img = await waitImageSettled(admin, imageId);
  assert.equal(img.State, 'Available', String(img.FailedReason));
  const back = join(dir, 'cut-back.raw');
  await download(imageId, back, 'raw');
  assert.equal(await sha256Checksum(back), await sha256Checksum(file));
});

test('a wrong checksum fails the image with both checksums named, and nothing of it stays referenced', async () => {
  const file = join(dir, 'wrong.raw');
  await writeFile(file, patternBytes(9, 5 * MiB));
  const declared = `sha256:${'0'.repeat(64)}`;
  const { id, imageId } = await uploadWhole(signed, file, 'uploaded-wrong-sum', 'RAW', declared);
  const img = await waitImageSettled(admin, imageId);
  assert.equal(img.State, 'Unavailable');
  const reason = String(img.FailedReason ?? '');
  assert.match(reason, new RegExp(declared));
  assert.match(reason, new RegExp((await sha256Checksum(file)).replace('sha256:', '')));
  assert.equal(await server.core.kiln.store.uploads.get(id), undefined);
  assert.equal(await server.core.kiln.store.images.getManifest(imageId), undefined);
});

test('the hostile corpus is refused through an upload with the reasons a URL import gives', async () => {
  const hostileDir = join(dir, 'hostile');
  await mkdir(hostileDir);
  // The whole corpus, as the URL-import tests run it: an uploaded source is read by
  // other code (staged parts) than a fetched one, so no refusal may be taken on trust.
  const corpus = await writeHostileImages(hostileDir);
  const started = [];
  for (const [i, h] of corpus.entries()) {
    started.push({ h, ...(await uploadWhole(signed, h.path, `hostile-${i}`, h.claimedFormat.toUpperCase())) });
  }
  for (const { h, imageId } of started) {
    const img = await waitImageSettled(admin, imageId);
    assert.equal(img.State, 'Unavailable', h.name);
    assert.ok(String(img.FailedReason).includes(h.expectedReasonIncludes), `${h.name}: ${String(img.FailedReason)}`);
  }
});

test("another account's upload answers 404 exactly like a missing one, and stays untouched", async () => {
  const file = join(dir, 'private.raw');
  const size = 5 * MiB;
  await writeFile(file, patternBytes(11, size));
  const created = await signed.create({ length: size, product: 'uhost', name: 'uploaded-private', format: 'RAW', checksum: await sha256Checksum(file) });
  assert.equal(created.status, 201);
  const id = created.headers.location!.split('/').pop()!;
  const mallory = await server.createAccount('mallory');
  const other = new TusTestClient(server.baseUrl, mallory);
  const missing = 'upl-doesnotexist00';
  const same = (a: { status: number; body: string }, b: { status: number; body: string }, idA: string, idB: string) => {
    assert.equal(a.status, b.status);
    assert.equal(a.body.replaceAll(idA, 'ID'), b.body.replaceAll(idB, 'ID'));
  };
  same(await other.head(id), await other.head(missing), id, missing);
  assert.equal((await other.head(id)).status, 404);
  // Refused PATCHes carry the whole 5 MiB file: the server answers before reading the
  // body, then reads and drops the rest and closes the connection, so the answer arrives
  // whole (no reset) and no unread body holds a keep-alive connection open.
  const theirs = await other.patch(id, file, 0, size);
  const none = await other.patch(missing, file, 0, size);
  if (theirs === 'cut' || none === 'cut') assert.fail('a refused PATCH is answered, not cut');
  assert.equal(theirs.headers.connection, 'close');
  assert.equal(theirs.status, 404);
  same(theirs, none, id, missing);
  same(await other.abort(id), await other.abort(missing), id, missing);
  // Untouched: the owner still sees it at 0 and can finish it.
  assert.equal((await signed.head(id)).headers['upload-offset'], '0');
  assert.equal((await signed.abort(id)).status, 204);
  assert.equal((await signed.head(id)).status, 404);
});

test('an abandoned upload expires: its image fails with why, the quota comes back, and the collector leaves nothing of it', async () => {
  // Its own server: the shortest expiry there is, so the test waits about a second.
  const short = await startInProcessServer('uploads-expiry', { env: { KILN_UPLOAD_EXPIRY_MS: '1000', KILN_CUSTOM_IMAGE_QUOTA: '1' } });
  try {
    const client = new TusTestClient(short.baseUrl, short.admin);
    const file = join(dir, 'abandoned.raw');
    await writeFile(file, patternBytes(13, 6 * MiB));
    // Declared 10 MiB, 6 MiB sent: a full part and a short one stored, then nothing more.
    const created = await client.create({ length: 10 * MiB, product: 'uhost', name: 'abandoned', format: 'RAW', checksum: await sha256Checksum(file) });
    assert.equal(created.status, 201, created.body);
    const id = created.headers.location!.split('/').pop()!;
    const sent = await client.patch(id, file, 0, 6 * MiB);
    if (sent === 'cut') assert.fail('the PATCH was answered');
    assert.equal(sent.headers['upload-offset'], String(6 * MiB));
    const { store, blobs } = short.core.kiln;
    const partKeys = (await store.uploads.parts(id)).map((p) => p.chunkKey).filter((k) => k !== null);
    assert.equal(partKeys.length, 2);
    // The quota of one is taken by the upload's image.
    const second = await client.create({ length: MiB, product: 'uhost', name: 'second', format: 'RAW', checksum: `sha256:${'1'.repeat(64)}` });
    assert.equal(second.status, 403);
    assert.equal(JSON.parse(second.body).code, 'QuotaExceeded');

    // Collected as soon as it is past its expiry: asked again every 100 ms until it is.
    let gc = await short.core.kiln.gc();
    for (const deadline = Date.now() + 30_000; gc.expiredUploads === 0 && Date.now() < deadline; gc = await short.core.kiln.gc()) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(gc.expiredUploads, 1);
    const img = await store.images.get(created.headers['kiln-image-id']!);
    assert.equal(img?.state, 'unavailable');
    assert.match(img?.failedReason ?? '', /the upload expired: 6291456 of 10485760 bytes/);
    assert.equal((await client.head(id)).status, 404);
    assert.equal(await store.uploads.get(id), undefined);
    assert.deepEqual(await store.uploads.parts(id), []);
    const left = await allChunkKeys(blobs);
    for (const k of partKeys) assert.ok(!left.has(k), `staged part ${k} is still stored`);
    assert.equal((await store.chunks.inUseAmong(partKeys)).size, 0);
    // Its slot is free again.
    const again = await client.create({ length: MiB, product: 'uhost', name: 'second', format: 'RAW', checksum: `sha256:${'1'.repeat(64)}` });
    assert.equal(again.status, 201, again.body);
  } finally {
    await short.stop();
  }
});
