/**
 * Getting an image back out: raw (byte-exact against qemu-img's raw of the source,
 * resumable by offset) and qcow2 (checked and compared by qemu-img), only for callers
 * who can see the image.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { ApiError } from 'kiln-images-sdk';
import { assertSameBytes, writeSparseDisk } from '../support/disk-files.ts';
import { QEMU_IMG } from '../support/disk-images.ts';
import { saveStream } from '../support/download-file.ts';
import { FileServer } from '../support/file-server.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { newAccount, sdkClients } from '../support/sdk-clients.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;
let kiln: KilnProcess;
let clients: Awaited<ReturnType<typeof sdkClients>>;
const files = new FileServer();
let imageId: string;
let oracle: string;

before(async () => {
  await files.start();
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}` });
  clients = await sdkClients(kiln);
  // Neither chunk- nor cluster-aligned, with data at both ends, in the middle of a chunk and
  // straddling a chunk boundary, and whole empty chunks between.
  const raw = join(kiln.dataDir, 'src.raw');
  await writeSparseDisk(raw, 13 * MiB + 64 * 1024 + 512, [
    { offset: 0, length: 300_000, seed: 1 },
    { offset: 4 * MiB - 1000, length: 5000, seed: 2 },
    { offset: 10 * MiB + 12_345, length: 70_000, seed: 3 },
    { offset: 13 * MiB + 64 * 1024, length: 512, seed: 4 },
  ]);
  const qcow2 = join(kiln.dataDir, 'src.qcow2');
  await run(QEMU_IMG, ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  oracle = join(kiln.dataDir, 'oracle.raw');
  await run(QEMU_IMG, ['convert', '-f', 'qcow2', '-O', 'raw', qcow2, oracle]);
  const { ImageId } = await clients.uhost.importCustomImage({
    ImageName: 'src',
    UFileUrl: files.serve('src.qcow2', qcow2),
    OsType: 'Ubuntu',
    OsName: 'Ubuntu',
    Format: 'qcow2',
    Auth: true,
  });
  imageId = ImageId;
  await clients.uhost.waitForImage(imageId, { intervalMs: 50 });
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

test('raw download is byte-exact against qemu-img convert -O raw of the source', async () => {
  const out = join(kiln.dataDir, 'out.raw');
  const d = await clients.uhost.downloadImage(imageId);
  assert.equal(d.size, d.virtualSize);
  await saveStream(d.body, out);
  await assertSameBytes(out, oracle);
});

test('a raw download resumes from an offset (HTTP Range)', async () => {
  const out = join(kiln.dataDir, 'resumed.raw');
  const whole = await readFile(oracle);
  const offset = 4 * MiB + 777;
  await (await import('node:fs/promises')).writeFile(out, whole.subarray(0, offset));
  const d = await clients.uhost.downloadImage(imageId, { offset });
  assert.equal(d.offset, offset);
  assert.equal(d.size, whole.length - offset);
  await saveStream(d.body, out, offset);
  await assertSameBytes(out, oracle);
});

test('qcow2 download passes qemu-img check and compares equal to the source', async () => {
  const out = join(kiln.dataDir, 'out.qcow2');
  const d = await clients.uhost.downloadImage(imageId, { format: 'qcow2' });
  const written = await saveStream(d.body, out);
  assert.equal(written, d.size);
  await run(QEMU_IMG, ['check', '-f', 'qcow2', out]);
  const { stdout } = await run(QEMU_IMG, ['compare', '-f', 'qcow2', '-F', 'raw', out, oracle]);
  assert.match(stdout, /Images are identical/);
  const info = JSON.parse((await run(QEMU_IMG, ['info', '--output=json', out])).stdout) as { 'virtual-size': number; format: string };
  assert.deepEqual([info.format, info['virtual-size']], ['qcow2', (await readFile(oracle)).length]);
});

test('tenants download only what they can see; bad ranges and unsigned calls are refused', async () => {
  const other = await sdkClients(kiln, await newAccount(kiln, 'stranger'));
  await assert.rejects(other.uhost.downloadImage(imageId), (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'ImageNotFound');
  const url = await clients.uhost.kiln.url('/v1/images/download', 'DownloadImage', { ImageId: imageId, Product: 'uhost' });
  assert.equal((await fetch(url, { headers: { range: 'bytes=999999999-' } })).status, 416);
  assert.equal((await fetch(url.replace(/Signature=[0-9a-f]+/, 'Signature=0'))).status, 401);
  assert.equal((await fetch(url.replace('uhost', 'zec'))).status, 401, 'the signature covers every parameter');
  assert.equal((await fetch(`${kiln.baseUrl}/v1/images/download?ImageId=${imageId}&Product=uhost`)).status, 401);
});

test('a Bearer token downloads too', async () => {
  const { token } = JSON.parse(await kiln.cli(['token', 'create', '--json'])) as { token: string };
  const r = await fetch(`${kiln.baseUrl}/v1/images/download?ImageId=${imageId}&Product=uhost`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  assert.equal(Buffer.from(await r.arrayBuffer()).equals(await readFile(oracle)), true);
});
