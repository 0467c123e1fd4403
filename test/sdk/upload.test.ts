/**
 * The SDK's uploadImage against a real `kiln serve` over real HTTP: a file path and a
 * Blob become images byte for byte, a connection cut mid-upload (a TCP proxy drops it)
 * is resumed from the server's offset without sending the received bytes again, an
 * upload id from an earlier call resumes, a wrong checksum is refused with its reason,
 * and another account's upload answers like a missing one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { ApiError, ImageFailedError, type StartedUpload, UHostClient, UploadsEndpoint, type UploadProgress } from 'kiln-images-sdk';
import { CuttingProxy } from '../support/cutting-proxy.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { QEMU_IMG } from '../support/disk-images.ts';
import { saveStream } from '../support/download-file.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { newAccount, sdkClients } from '../support/sdk-clients.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
let kiln: KilnProcess;
let clients: Awaited<ReturnType<typeof sdkClients>>;
let dense: string;
const DENSE_SIZE = 24 * MiB;

before(async () => {
  kiln = await KilnProcess.start({ KILN_JOB_HEARTBEAT_MS: '300' });
  clients = await sdkClients(kiln);
  dense = join(kiln.dataDir, 'dense.raw');
  await writeSparseDisk(dense, DENSE_SIZE, [{ offset: 0, length: DENSE_SIZE, seed: 21 }]);
});

after(async () => {
  await kiln?.stop();
});

/** The image's qcow2 download compares equal to `source` under qemu-img. */
async function assertImageIs(imageId: string, source: string, format: string): Promise<void> {
  const out = join(kiln.dataDir, `${imageId}.qcow2`);
  await saveStream((await clients.uhost.downloadImage(imageId, { format: 'qcow2' })).body, out);
  const { stdout } = await run(QEMU_IMG, ['compare', '-f', 'qcow2', '-F', format, out, source]);
  assert.match(stdout, /Images are identical/);
}

test('a 1 GiB sparse qcow2 from a path: uploaded, made Available, and downloaded back identical', async () => {
  const raw = join(kiln.dataDir, 'sparse.raw');
  await writeSparseDisk(raw, GiB, [
    { offset: 0, length: MiB, seed: 1 },
    { offset: 300 * MiB + 4097, length: 2 * MiB, seed: 2 },
    { offset: GiB - MiB, length: MiB, seed: 3 },
  ]);
  const qcow2 = join(kiln.dataDir, 'sparse.qcow2');
  await run(QEMU_IMG, ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  const stages = new Set<string>();
  const r = await clients.uhost.uploadImage(qcow2, {
    name: 'uploaded-sparse',
    format: 'QCOW2',
    onProgress: (p) => stages.add(p.stage),
    wait: { intervalMs: 100 },
  });
  assert.match(r.imageId, /^uimage-/);
  assert.equal(r.image?.state, 'available');
  assert.deepEqual([...stages], ['checksum', 'upload', 'processing']);
  const listed = (await clients.uhost.describeImage({ ImageIds: [r.imageId] })).ImageSet[0];
  assert.deepEqual([listed?.ImageName, listed?.State, listed?.ImageSizeBytes], ['uploaded-sparse', 'Available', GiB]);
  await assertImageIs(r.imageId, qcow2, 'qcow2');
});

test('a connection cut at 40% is resumed from the server offset: the bytes it held are not sent again', async () => {
  const proxy = await new CuttingProxy(kiln.port).start();
  try {
    const keys = await kiln.credentials();
    const uhost = new UHostClient({ endpoint: proxy.url, ...keys, region: 'cn-bj2', retry: { baseDelayMs: 50 } });
    // The checksum and the create go first; the cut lands in the PATCH body.
    const checksum = `sha256:${(await import('node:crypto'))
      .createHash('sha256')
      .update(await readFile(dense))
      .digest('hex')}`;
    let created: StartedUpload | undefined;
    const offsets: number[] = [];
    const r = await uhost.uploadImage(dense, {
      name: 'cut-at-40',
      format: 'RAW',
      checksum,
      wait: false,
      onCreated: (u) => {
        created = u;
        // Down for 8 s: the server finishes storing the parts it received (up to three in
        // flight, each fsynced) before the resume asks, even on a loaded machine.
        proxy.cutWhenUpstreamReaches(proxy.upstreamBytes + Math.floor(0.4 * DENSE_SIZE), 8000);
      },
      onProgress: (p: UploadProgress) => {
        if (p.stage === 'upload') offsets.push(p.doneBytes);
      },
    });
    assert.equal(proxy.cuts, 1);
    assert.ok(created);
    const resent = r.sentBytes - DENSE_SIZE;
    // After the cut the upload asks the server where it stands and sends the rest from
    // there: only what was in flight (socket buffers, the part being stored) goes again,
    // never the parts the server had made durable.
    assert.ok(resent >= 0, `sent ${r.sentBytes} bytes for a file of ${DENSE_SIZE}`);
    const drop = offsets.findIndex((at, i) => i > 0 && at < offsets[i - 1]!);
    if (drop > 0) {
      // The count went back to where the server stands: exactly what it counted past that goes again.
      const [peak, resumedFrom] = [offsets[drop - 1]!, offsets[drop]!];
      assert.ok(resumedFrom >= 4 * MiB, `resumed from byte ${resumedFrom}`);
      assert.equal(resent, peak - resumedFrom, `sent ${r.sentBytes} bytes for a file of ${DENSE_SIZE}`);
    } else {
      // By timing alone the server may hold all the count had reached (the count stays) or
      // a part whose answer the cut lost (it jumps ahead): then next to nothing goes again,
      // where starting over would send the 40% before the cut (9.6 MiB) a second time.
      assert.ok(resent < 0.4 * DENSE_SIZE, `sent ${r.sentBytes} bytes for a file of ${DENSE_SIZE}; progress: ${offsets.join(' ')}`);
    }
    assert.ok(proxy.upstreamBytes < 1.25 * DENSE_SIZE, `the proxy forwarded ${proxy.upstreamBytes} bytes`);
    await clients.uhost.waitForImage(r.imageId, { intervalMs: 100 });
    const out = join(kiln.dataDir, 'cut.raw');
    await saveStream((await clients.uhost.downloadImage(r.imageId)).body, out);
    assert.ok((await readFile(out)).equals(await readFile(dense)), 'the image holds the file byte for byte');
  } finally {
    await proxy.close();
  }
});

test('an upload stopped by its caller resumes from its id (the file sent once in all); the Blob path sends in parts', async () => {
  const stop = new AbortController();
  let started: StartedUpload | undefined;
  await assert.rejects(
    clients.uhost.uploadImage(dense, {
      name: 'resumed-by-id',
      format: 'RAW',
      signal: stop.signal,
      wait: false,
      onCreated: (u) => {
        started = u;
      },
      onProgress: (p) => {
        if (p.stage === 'upload' && p.doneBytes >= 4 * MiB) stop.abort(new Error('stopped by the test'));
      },
    }),
    /stopped by the test/,
  );
  assert.ok(started);
  const uploads = new UploadsEndpoint(clients.uhost.kiln);
  const held = await uploads.offset(started.uploadId);
  assert.equal(held.length, DENSE_SIZE);
  assert.ok(held.offset < DENSE_SIZE, `${held.offset} of ${DENSE_SIZE} held after the stop`);
  // Another file of another size is not resumed into it.
  const mismatch = new Blob([new Uint8Array(512)]);
  await assert.rejects(
    clients.uhost.uploadImage(mismatch, { name: 'x', format: 'RAW', resume: { uploadId: started.uploadId, imageId: started.imageId } }),
    /not the same file/,
  );
  // The same bytes as a Blob, 5 MiB a PATCH: what a browser sends.
  const blob = new Blob([await readFile(dense)]);
  let from: number | undefined;
  const r = await clients.uhost.uploadImage(blob, {
    name: 'resumed-by-id',
    format: 'RAW',
    resume: { uploadId: started.uploadId, imageId: started.imageId },
    partBytes: 5 * MiB,
    wait: { intervalMs: 100 },
    onProgress: (p) => {
      if (p.stage === 'upload') from ??= p.doneBytes;
    },
  });
  assert.equal(r.imageId, started.imageId);
  // The resume starts where the server stands when it asks (a part the stopped PATCH had
  // delivered may have been stored since the check above), and sends only the rest.
  // A part of the stopped PATCH stored after the check moves the server on; a resume that
  // asked before that is refused its first PATCH (409) and asks again, so it may send
  // less than it first meant to, never more than the rest.
  assert.ok(from !== undefined && from >= held.offset, `resumed from ${from}, the server held ${held.offset}`);
  assert.ok(r.sentBytes > 0 && r.sentBytes <= DENSE_SIZE - from, `sent ${r.sentBytes} after resuming from ${from}`);
  assert.equal(r.image?.state, 'available');
});

test('a wrong checksum is refused with the reason, and no image is left Available', async () => {
  const bad = `sha256:${'0'.repeat(64)}`;
  let imageId = '';
  const e = await clients.uhost
    .uploadImage(dense, {
      name: 'bad-sum',
      format: 'RAW',
      checksum: bad,
      onCreated: (u) => {
        imageId = u.imageId;
      },
      wait: { intervalMs: 100 },
    })
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  assert.ok(e instanceof ImageFailedError || e instanceof ApiError, String(e));
  assert.match(e instanceof ImageFailedError ? e.reason : e.message, /checksum|sha-?256/i);
  const img = (await clients.uhost.describeImage({ ImageIds: [imageId] })).ImageSet[0];
  assert.notEqual(img?.State, 'Available');
});

test("another account's upload answers exactly like a missing one: not seen, not resumed, not aborted", async () => {
  const other = await sdkClients(kiln, await newAccount(kiln, 'upload-stranger'));
  const mine = await new UploadsEndpoint(clients.uhost.kiln).create({
    product: 'uhost',
    size: 512,
    name: 'mine',
    format: 'RAW',
    checksum: `sha256:${'1'.repeat(64)}`,
    region: 'cn-bj2',
  });
  const theirs = new UploadsEndpoint(other.uhost.kiln);
  const refusal = async (p: Promise<unknown>) =>
    p.then(
      () => assert.fail('answered'),
      (e: unknown) => (e instanceof ApiError ? [e.status, e.code] : assert.fail(String(e))),
    );
  // An id shaped like a real one, so only its existence differs.
  const nope = `${mine.uploadId.slice(0, -4)}${mine.uploadId.endsWith('zzzz') ? 'yyyy' : 'zzzz'}`;
  const missing = await refusal(theirs.offset(nope));
  assert.equal(missing[0], 404);
  assert.deepEqual(await refusal(theirs.offset(mine.uploadId)), missing);
  assert.deepEqual(
    await refusal(theirs.append(mine.uploadId, 0, new Blob([new Uint8Array(512)]))),
    await refusal(theirs.append(nope, 0, new Blob([new Uint8Array(512)]))),
  );
  assert.deepEqual(await refusal(theirs.abort(mine.uploadId)), await refusal(theirs.abort(nope)));
  assert.equal((await new UploadsEndpoint(clients.uhost.kiln).offset(mine.uploadId)).offset, 0, 'still there for its owner');
  await new UploadsEndpoint(clients.uhost.kiln).abort(mine.uploadId);
});

test('ZEC: an uploaded image is listed by ZEC in its own shape', async () => {
  const small = join(kiln.dataDir, 'small.raw');
  await writeSparseDisk(small, 8 * MiB, [{ offset: MiB, length: MiB, seed: 5 }]);
  const r = await clients.zec.uploadImage(small, { name: 'zec-upload', format: 'RAW', wait: { intervalMs: 100 } });
  const img = (await clients.zec.describeCustomImages({ imageIds: [r.imageId] })).dataSet[0];
  assert.deepEqual([img?.imageName, img?.imageStatus], ['zec-upload', 'AVAILABLE']);
  assert.equal((await clients.uhost.describeImage({ ImageIds: [r.imageId] })).ImageSet.length, 0, 'not a UHost image');
});
