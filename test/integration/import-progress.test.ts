/**
 * The progress of an import as a user polling it sees it, through a real server and
 * the progress endpoint: from a file server without ranges the download and then the
 * conversion, each counted on its own and only forward; from one with ranges one step
 * whose total is the disk's size from the first count; from one that announces no size,
 * no total (rather than a guess); and once Available, the image's real size.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { signUCloud, webCryptoHashing, type ServerProgress, type UHostClient } from 'kiln-images-sdk';
import { writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { sdkClients } from '../support/sdk-clients.ts';

const MiB = 1024 * 1024;
const SIZE = 6 * MiB;
let kiln: KilnProcess;
let uhost: UHostClient;
let dir: string;
let disk: string;
const files = new FileServer();
/** Sends `disk` whole, chunked (no Content-Length) and ignoring Range, at 3 MiB/s. */
let unsized: Server;
let unsizedUrl: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-progress-'));
  disk = join(dir, 'disk.raw');
  await writeSparseDisk(disk, SIZE, [{ offset: 0, length: SIZE, seed: 11 }]);
  await files.start();
  unsized = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const stream = createReadStream(disk, { highWaterMark: 64 * 1024 });
    // Paced by hand so the server sends no Content-Length (chunked encoding).
    void (async () => {
      for await (const part of stream) {
        if (!res.write(part as Buffer)) await new Promise((r) => res.once('drain', r));
        await new Promise((r) => setTimeout(r, 20));
      }
      res.end();
    })().catch(() => res.destroy());
  });
  await new Promise<void>((r) => unsized.listen(0, '127.0.0.1', r));
  const port = (unsized.address() as { port: number }).port;
  unsizedUrl = `http://127.0.0.1:${port}/disk.raw`;
  // Progress reaches the database with each heartbeat: beat often so polls see it move.
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port},127.0.0.1:${port}`, KILN_JOB_HEARTBEAT_MS: '150' });
  ({ uhost } = await sdkClients(kiln));
});

after(async () => {
  await files.close();
  unsized?.closeAllConnections();
  await new Promise((r) => unsized?.close(r));
  await kiln?.stop();
});

/** Imports `url` and reads the progress endpoint every 40 ms until the image is Available. */
async function importPolled(url: string): Promise<ServerProgress[]> {
  const { ImageId } = await uhost.importCustomImage({
    ImageName: `p${Date.now()}`,
    UFileUrl: url,
    OsType: 'Ubuntu',
    OsName: 'Ubuntu 22.04',
    Format: 'RAW',
    Auth: true,
  });
  const seen: ServerProgress[] = [];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const p = await uhost.kiln.progress('uhost', ImageId);
    seen.push(p);
    if (p.State !== 'Making') return seen;
    assert.ok(Date.now() < deadline, `still making: ${JSON.stringify(seen.at(-1))}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** Every reading is at or past the one before: a later phase, or the same phase with at least as many bytes. */
function assertForward(seen: ServerProgress[]): void {
  for (let i = 1; i < seen.length; i++) {
    const [a, b] = [seen[i - 1]!, seen[i]!];
    assert.ok(b.PhaseIndex >= a.PhaseIndex, `phase went back at ${i}: ${JSON.stringify([a, b])}`);
    if (b.PhaseIndex === a.PhaseIndex) assert.ok(b.DoneBytes >= a.DoneBytes, `count went back at ${i}: ${JSON.stringify([a, b])}`);
    if (b.TotalBytes !== null && b.State === 'Making') assert.ok(b.DoneBytes <= b.TotalBytes, `done past total: ${JSON.stringify(b)}`);
  }
}

function assertFinished(last: ServerProgress): void {
  assert.equal(last.State, 'Available', JSON.stringify(last));
  // The image's real size, not a placeholder "1 of 1".
  assert.equal(last.DoneBytes, SIZE);
  assert.equal(last.TotalBytes, SIZE);
  assert.ok(last.AverageBytesPerSecond !== null && last.AverageBytesPerSecond > 0, JSON.stringify(last));
}

test('from a server without Range: download (1/2, the file size known from its first count), then convert (2/2), only forward', async () => {
  const seen = await importPolled(files.serve('whole.raw', disk, { ranges: false, bytesPerSecond: 3 * MiB }));
  assertForward(seen);
  const downloading = seen.filter((p) => p.Phase === 'download');
  assert.ok(downloading.length > 0, `a download phase was seen: ${JSON.stringify(seen)}`);
  for (const p of downloading) {
    assert.equal(p.PhaseIndex, 1);
    assert.equal(p.PhaseCount, 2);
    // The announced length, from the start: not twice what has arrived, not a later jump.
    assert.equal(p.TotalBytes, SIZE, JSON.stringify(p));
  }
  for (const p of seen.filter((q) => q.Phase === 'convert')) {
    assert.deepEqual([p.PhaseIndex, p.PhaseCount, p.TotalBytes], [2, 2, SIZE], JSON.stringify(p));
  }
  const last = seen.at(-1)!;
  assertFinished(last);
  assert.deepEqual([last.Phase, last.PhaseIndex, last.PhaseCount], ['convert', 2, 2]);
});

test('from a server with Range: one step, its total the disk size from the first count', async () => {
  const seen = await importPolled(files.serve('ranged.raw', disk, { bytesPerSecond: 3 * MiB }));
  assertForward(seen);
  const counted = seen.filter((p) => p.State === 'Making' && (p.DoneBytes > 0 || p.TotalBytes !== null));
  assert.ok(counted.length > 0, `counts while making: ${JSON.stringify(seen)}`);
  for (const p of counted) assert.deepEqual([p.Phase, p.PhaseIndex, p.TotalBytes], ['', 0, SIZE], JSON.stringify(p));
  assertFinished(seen.at(-1)!);
});

test('from a server that announces no size: bytes without a total while downloading, never a guessed one', async () => {
  const seen = await importPolled(unsizedUrl);
  assertForward(seen);
  const downloading = seen.filter((p) => p.Phase === 'download');
  assert.ok(
    downloading.some((p) => p.DoneBytes > 0),
    `bytes counted while downloading: ${JSON.stringify(seen)}`,
  );
  for (const p of downloading) assert.equal(p.TotalBytes, null, JSON.stringify(p));
  assertFinished(seen.at(-1)!);
});

test('the SDK waiter on an import from a server without a size gives bytes and no percent, then the real size', async () => {
  const { ImageId } = await uhost.importCustomImage({
    ImageName: 'unsized-sdk',
    UFileUrl: unsizedUrl,
    OsType: 'Ubuntu',
    OsName: 'Ubuntu 22.04',
    Format: 'RAW',
    Auth: true,
  });
  const seen: Awaited<ReturnType<UHostClient['waitForImage']>>[] = [];
  await uhost.waitForImage(ImageId, { onProgress: (p) => seen.push(p), intervalMs: 60, maxIntervalMs: 60 });
  const downloading = seen.filter((p) => p.phase === 'download');
  assert.ok(downloading.length > 0, JSON.stringify(seen));
  for (const p of downloading) {
    assert.equal(p.totalBytes, undefined, JSON.stringify(p));
    assert.equal(p.percent, undefined, 'no percentage of an unknown size');
    assert.equal(p.phaseIndex, 1);
  }
  // From the second reading of a phase on, a rate over the readings' window.
  if (downloading.length >= 3)
    assert.ok(
      downloading.slice(1).some((p) => p.bytesPerSecond !== undefined && p.bytesPerSecond > 0),
      JSON.stringify(downloading),
    );
  const last = seen.at(-1)!;
  assert.equal(last.state, 'available');
  assert.equal(last.doneBytes, SIZE);
  assert.equal(last.totalBytes, SIZE);
});

test('a job that ended before the first poll: the only reading is the real size and the average rate, not "0 of ?"', async () => {
  const { ImageId } = await uhost.importCustomImage({
    ImageName: 'quick',
    UFileUrl: files.serve('quick.raw', disk),
    OsType: 'Ubuntu',
    OsName: 'Ubuntu 22.04',
    Format: 'RAW',
    Auth: true,
  });
  for (let i = 0; (await uhost.describeImage({ ImageIds: [ImageId] })).ImageSet[0]?.State !== 'Available'; i++) {
    assert.ok(i < 600, 'the import finished');
    await new Promise((r) => setTimeout(r, 50));
  }
  const seen: Awaited<ReturnType<UHostClient['waitForImage']>>[] = [];
  await uhost.waitForImage(ImageId, { onProgress: (p) => seen.push(p) });
  assert.equal(seen.length, 1);
  const [only] = seen;
  assert.equal(only!.state, 'available');
  assert.equal(only!.doneBytes, SIZE);
  assert.equal(only!.totalBytes, SIZE);
  assert.ok(only!.bytesPerSecond !== undefined && only!.bytesPerSecond > 0, JSON.stringify(only));
});

test('a signed progress URL without Expires is answered as missing it, a malformed one as invalid, a past one as expired', async () => {
  const { ImageId } = await uhost.importCustomImage({
    ImageName: 'signed',
    UFileUrl: files.serve('signed.raw', disk),
    OsType: 'Ubuntu',
    OsName: 'Ubuntu 22.04',
    Format: 'RAW',
    Auth: true,
  });
  const c = await kiln.credentials();
  const get = async (extra: Record<string, string>) => {
    const q: Record<string, string> = { Action: 'GetImageProgress', ImageId, Product: 'uhost', PublicKey: c.publicKey, ...extra };
    q.Signature = await signUCloud(q, c.privateKey, webCryptoHashing);
    const res = await fetch(`${kiln.baseUrl}/v1/images/progress?${new URLSearchParams(q)}`);
    return { status: res.status, body: (await res.json()) as { code?: string; message?: string; State?: string } };
  };
  const missing = await get({});
  assert.equal(missing.status, 400);
  assert.equal(missing.body.code, 'MissingParameter');
  assert.match(missing.body.message ?? '', /Expires/);
  const malformed = await get({ Expires: 'tomorrow' });
  assert.deepEqual([malformed.status, malformed.body.code], [400, 'InvalidParameter']);
  const past = await get({ Expires: String(Math.floor(Date.now() / 1000) - 60) });
  assert.deepEqual([past.status, past.body.code], [401, 'SignatureExpired']);
  const good = await get({ Expires: String(Math.floor(Date.now() / 1000) + 300) });
  assert.equal(good.status, 200, JSON.stringify(good.body));
  assert.match(good.body.State ?? '', /^(Making|Available)$/);
});
