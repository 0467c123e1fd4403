/**
 * `kiln images import ./FILE` against a real `kiln serve`: the upload with its progress,
 * Ctrl-C in the middle and `--resume` (through a slow TCP proxy, so the command can be
 * stopped mid-transfer and the bytes sent counted), and the image listed by the product
 * named, in that product's shape.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CuttingProxy } from '../support/cutting-proxy.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { userCli } from '../support/user-cli.ts';
import { delay } from '../support/ports.ts';
import { sdkClients } from '../support/sdk-clients.ts';
import { UploadsEndpoint } from 'kiln-images-sdk';

const MiB = 1024 * 1024;
let kiln: KilnProcess;
let env: Record<string, string>;
let dir: string;
let disk: string;
const DISK_SIZE = 16 * MiB;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-upload-cli-'));
  disk = join(dir, 'disk.raw');
  await writeSparseDisk(disk, DISK_SIZE, [{ offset: 0, length: DISK_SIZE, seed: 31 }]);
  kiln = await KilnProcess.start({ KILN_JOB_HEARTBEAT_MS: '300' });
  const c = await kiln.credentials();
  env = { KILN_URL: kiln.baseUrl, KILN_PUBLIC_KEY: c.publicKey, KILN_PRIVATE_KEY: c.privateKey, KILN_CONFIG: join(dir, 'config.json') };
});

after(async () => {
  await kiln?.stop();
});

const images = (args: string[], extra: Record<string, string> = {}) => userCli(['images', ...args], { ...env, ...extra });

test('a path uploads (format read from the content): the id at once, progress over the checksum, the upload and the processing', async () => {
  const r = await images(['import', disk, '--name', 'from-laptop', '--wait']);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  assert.match(id, /^uimage-\S+$/);
  assert.match(r.stderr, /disk\.raw: Checksum/);
  assert.match(r.stderr, new RegExp(`${id}: Uploading 16\\.0 MiB / 16\\.0 MiB \\(100%\\)`));
  assert.match(r.stderr, new RegExp(`${id}: Available 16\\.0 MiB / 16\\.0 MiB \\(100%\\), [\\d.]+ \\S+/s average\\n$`));
  const list = await images(['list']);
  assert.match(list.stdout, new RegExp(`${id}\\s+from-laptop\\s+Available\\s+16\\.0 MiB`));
  assert.deepEqual(await readdir(join(dir, 'uploads')), [], 'nothing is kept once the last byte is in');
});

test('Ctrl-C mid-upload says how to go on; --resume sends only what the server lacks', async () => {
  const proxy = await new CuttingProxy(kiln.port).start();
  try {
    proxy.throttle(2 * MiB);
    const viaProxy = { ...env, KILN_URL: proxy.url };
    const interrupted = await userCli(['images', 'import', disk, '--name', 'resumable'], viaProxy, (child) => {
      // Stopped once 6 MiB have reached the server: the rest is left for --resume.
      const poll = setInterval(() => {
        if (proxy.upstreamBytes < 6 * MiB) return;
        clearInterval(poll);
        child.kill('SIGINT');
      }, 20);
      child.once('close', () => clearInterval(poll));
    });
    assert.equal(interrupted.code, 130, interrupted.stderr);
    const id = interrupted.stdout.trim();
    assert.match(id, /^uimage-/);
    assert.match(interrupted.stderr, /upload of \S+disk\.raw stopped; the server keeps what arrived/);
    assert.ok(interrupted.stderr.includes(`\`kiln images import ${disk} --name resumable --resume\``), interrupted.stderr);
    // Bytes the proxy held back under the throttle still drain to the server: counted with the first run.
    proxy.throttle(undefined);
    // What the stopped command left: its ids beside the profile, and the bytes the server holds.
    const [kept] = await readdir(join(dir, 'uploads'));
    const state = JSON.parse(await readFile(join(dir, 'uploads', kept!), 'utf8')) as { uploadId: string; imageId: string; size: number };
    assert.deepEqual([state.imageId, state.size], [id, DISK_SIZE]);
    const { uhost } = await sdkClients(kiln);
    // The server may still be storing parts of the cut connection: read its offset once it holds still.
    let held = -1;
    for (let still = 0; still < 3; await delay(500)) {
      const now = (await new UploadsEndpoint(uhost.kiln).offset(state.uploadId)).offset;
      still = now === held ? still + 1 : 0;
      held = now;
    }
    assert.ok(held >= 4 * MiB && held < DISK_SIZE, `the server holds ${held} bytes`);
    const firstRun = proxy.upstreamBytes;
    const resumed = await userCli(['images', 'import', disk, '--name', 'resumable', '--resume', '--wait', '--json'], viaProxy);
    assert.equal(resumed.code, 0, resumed.stderr);
    const answer = JSON.parse(resumed.stdout) as { imageId: string; state: string };
    assert.deepEqual([answer.imageId, answer.state], [id, 'Available']);
    const secondRun = proxy.upstreamBytes - firstRun;
    // The rest of the file and the requests around it (create, HEAD, the wait's polls), not the bytes held.
    assert.ok(
      secondRun >= DISK_SIZE - held && secondRun < DISK_SIZE - held + MiB,
      `the resume sent ${secondRun} bytes; the server held ${held} of ${DISK_SIZE}`,
    );
    assert.ok(firstRun + secondRun < DISK_SIZE * 1.25, `${firstRun} + ${secondRun} bytes for a file of ${DISK_SIZE}`);
    const again = await userCli(['images', 'import', disk, '--name', 'resumable', '--resume'], viaProxy);
    assert.equal(again.code, 2, 'nothing is left to resume');
    assert.match(again.stderr, /no stopped upload of .*disk\.raw named resumable/);
  } finally {
    await proxy.close();
  }
});

test('ZEC and CompShare: the uploaded image is listed by the product named, in its shape', async () => {
  const small = join(dir, 'small.raw');
  await writeSparseDisk(small, 4 * MiB, [{ offset: MiB, length: MiB, seed: 32 }]);
  const zec = await images(['import', small, '--name', 'zec-upload', '--wait', '--json', '--product', 'zec']);
  assert.equal(zec.code, 0, zec.stderr);
  const zecId = (JSON.parse(zec.stdout) as { imageId: string }).imageId;
  const zecRecord = (JSON.parse((await images(['list', '--json', '--product', 'zec'])).stdout) as Record<string, unknown>[]).find((i) => i.imageId === zecId);
  assert.deepEqual([zecRecord?.imageName, zecRecord?.imageStatus], ['zec-upload', 'AVAILABLE'], JSON.stringify(zecRecord));
  const cs = { KILN_PRODUCT: 'compshare', KILN_ZONE: 'cn-bj2-04' };
  const csRun = await images(['import', small, '--name', 'cs-upload', '--wait'], cs);
  assert.equal(csRun.code, 0, csRun.stderr);
  const csId = csRun.stdout.trim();
  const csRecord = (JSON.parse((await images(['list', '--json'], cs)).stdout) as Record<string, unknown>[]).find((i) => i.CompShareImageId === csId);
  assert.deepEqual([csRecord?.Name, csRecord?.Status], ['cs-upload', 'Available'], JSON.stringify(csRecord));
});

test('usage: a missing file, --resume with nothing stopped, and a URL without --format exit 2', async () => {
  const missing = await images(['import', join(dir, 'nope.qcow2'), '--name', 'n']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.qcow2 is neither a file nor a URL/);
  const nothing = await images(['import', disk, '--name', 'never-started', '--resume']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /no stopped upload of/);
  const url = await images(['import', 'http://127.0.0.1:1/x.raw', '--name', 'n']);
  assert.equal(url.code, 2);
  assert.match(url.stderr, /needs --format/);
});
