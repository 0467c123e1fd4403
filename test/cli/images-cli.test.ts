/** `kiln images` against a real `kiln serve`: every command, its output, its exit codes. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { assertSameBytes, writeSparseDisk } from '../support/disk-files.ts';
import { QEMU_IMG } from '../support/disk-images.ts';
import { FileServer } from '../support/file-server.ts';
import { KilnProcess, waitFor } from '../support/kiln-process.ts';
import { sdkClients } from '../support/sdk-clients.ts';
import { userCli } from '../support/user-cli.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;
let kiln: KilnProcess;
let env: Record<string, string>;
let dir: string;
const files = new FileServer();
let slowUrl: string;
let source: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-cli-'));
  source = join(dir, 'source.raw');
  await writeSparseDisk(source, 20 * MiB + 512, [
    { offset: 0, length: 2 * MiB, seed: 7 },
    { offset: 12 * MiB, length: 3 * MiB, seed: 8 },
  ]);
  await files.start();
  slowUrl = files.serve('slow.raw', source, { ranges: false, bytesPerSecond: 3 * MiB });
  // Frequent heartbeats: the job's progress reaches the database with each.
  kiln = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`, KILN_JOB_HEARTBEAT_MS: '300' });
  const c = await kiln.credentials();
  env = { KILN_URL: kiln.baseUrl, KILN_PUBLIC_KEY: c.publicKey, KILN_PRIVATE_KEY: c.privateKey, KILN_CONFIG: join(dir, 'config.json') };
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

const images = (args: string[], extra: Record<string, string> = {}) => userCli(['images', ...args], { ...env, ...extra });

let imported: string;

test('import --wait shows progress lines off a terminal and prints the id; list and show find it', async () => {
  const r = await images(['import', slowUrl, '--format', 'raw', '--name', 'from-cli', '--wait']);
  assert.equal(r.code, 0, r.stderr);
  imported = r.stdout.trim();
  assert.match(imported, /^uimage-/);
  // The file server ignores Range: the download is a step of its own, counted against the
  // file's announced size, and the last line is the image's real size at its average rate.
  assert.match(r.stderr, /uimage-\S+: Making, download 1\/2: [\d.]+ [KM]iB \/ 20\.0 MiB \(\d+%\), [\d.]+ \S+\/s, ETA \S+/);
  assert.match(r.stderr, /uimage-\S+: Available 20\.0 MiB \/ 20\.0 MiB \(100%\), [\d.]+ \S+\/s average\n$/);
  assert.doesNotMatch(r.stderr, / 1 B \/ 1 B/);
  const list = await images(['list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+NAME\s+STATE\s+SIZE\s+CREATED\n/);
  // The image's real virtual size (20 MiB and a sector), not ImageSize's whole GB.
  assert.match(list.stdout, new RegExp(`${imported}\\s+from-cli\\s+Available\\s+20\\.0 MiB`));
  const json = JSON.parse((await images(['list', '--json'])).stdout) as Array<{ ImageId: string }>;
  assert.ok(json.some((i) => i.ImageId === imported));
  const show = await images(['show', imported]);
  assert.match(show.stdout, /state:\s+Available/);
  assert.equal((JSON.parse((await images(['show', imported, '--json'])).stdout) as { ImageName: string }).ImageName, 'from-cli');
});

test('wait on an import that has already ended prints its real size and average rate, not a placeholder', async () => {
  const r = await images(['wait', imported]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^${imported}: Available 20\\.0 MiB / 20\\.0 MiB \\(100%\\), [\\d.]+ \\S+/s average\\n$`));
});

test('download: raw is sparse and byte-exact, resumes, and qcow2 compares equal under qemu-img', async () => {
  const raw = join(dir, 'got.raw');
  const r = await images(['download', imported, '-o', raw]);
  assert.equal(r.code, 0, r.stderr);
  await assertSameBytes(raw, source);
  const st = await stat(raw);
  assert.ok(st.blocks * 512 < 8 * MiB, `holes are not written: ${st.blocks * 512} bytes allocated of ${st.size}`);
  await truncate(raw, 13 * MiB + 5);
  const resumed = await images(['download', imported, '-o', raw, '--resume', '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal((JSON.parse(resumed.stdout) as { received: number }).received, 20 * MiB + 512 - (13 * MiB + 5));
  await assertSameBytes(raw, source);
  const qcow2 = join(dir, 'got.qcow2');
  assert.equal((await images(['download', imported, '-o', qcow2, '--format', 'qcow2'])).code, 0);
  await run(QEMU_IMG, ['check', '-f', 'qcow2', qcow2]);
  assert.match((await run(QEMU_IMG, ['compare', '-f', 'qcow2', '-F', 'raw', qcow2, source])).stdout, /identical/);
});

test('a failed image: wait exits 1 and prints its FailedReason', async () => {
  const r = await images(['import', files.serve('liar.raw', source), '--format', 'qcow2', '--name', 'liar']);
  assert.equal(r.code, 0, r.stderr);
  const w = await images(['wait', r.stdout.trim()]);
  assert.equal(w.code, 1);
  assert.match(w.stderr, /kiln: image uimage-\S+ failed: .*(qcow2|raw|format)/i);
});

test('usage errors exit 2, and say what the product lacks', async () => {
  const missing = await images(['import', 'http://x/y.raw', '--format', 'raw']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--name/);
  const copy = await images(['copy', imported]);
  assert.equal(copy.code, 2);
  assert.match(copy.stderr, /UHost copies name a target project \(TargetProjectId\), which this command does not take: call CopyCustomImage/);
  const zecImport = await images(['import', 'http://x/y.raw', '--format', 'raw', '--name', 'n', '--product', 'zec']);
  assert.equal(zecImport.code, 2);
  assert.match(zecImport.stderr, /ZEC has no import action/);
  assert.equal((await images(['list', '--profile', 'nope'])).code, 2);
  assert.equal((await userCli(['images', 'list'], { KILN_URL: kiln.baseUrl, KILN_CONFIG: join(dir, 'none.json') })).code, 2, 'no credentials');
  const notFound = await images(['delete', 'uimage-nope']);
  assert.equal(notFound.code, 3);
  assert.match(notFound.stderr, /TerminateCustomImage refused: 8956/);
});

test('import: a URL the server may not fetch is refused before any image exists, a text file is no RAW disk, sizes are exact', async () => {
  const names = async () => (JSON.parse((await images(['list', '--json'])).stdout) as { ImageName: string }[]).map((i) => i.ImageName);
  const blocked = await images(['import', 'http://127.0.0.1:1/disk.raw', '--format', 'raw', '--name', 'blocked']);
  assert.equal(blocked.code, 3, blocked.stderr);
  assert.match(blocked.stderr, /ImportCustomImage refused: 230.*127\.0\.0\.1:1 is not allowed \(loopback address\)/);
  assert.equal(blocked.stdout, '');
  assert.ok(!(await names()).includes('blocked'));

  const text = join(dir, 'notes.txt');
  await writeFile(text, 'these are notes, not a disk image at all\n');
  const notes = await images(['import', files.serve('notes.raw', text), '--format', 'raw', '--name', 'notes', '--wait']);
  assert.equal(notes.code, 1, notes.stderr);
  assert.match(notes.stderr, /failed: .*raw image is 41 bytes, not a whole number of 512-byte sectors/);

  // The first test's import is 20 MiB and one sector: shown as that, not a whole GiB.
  const shown = await images(['show', imported]);
  assert.match(shown.stdout, /size:\s+20\.0 MiB\n/);
  const record = JSON.parse((await images(['show', imported, '--json'])).stdout) as { ImageSize: number; ImageSizeBytes: number };
  assert.deepEqual([record.ImageSize, record.ImageSizeBytes], [1, 20 * MiB + 512]);
});

test('profiles: `kiln profile set` then `kiln images` with no key in the environment', async () => {
  const c = await kiln.credentials();
  const config = join(dir, 'profiles.json');
  const set = await userCli(['profile', 'set', 'lab', '--url', kiln.baseUrl, '--public-key', c.publicKey, '--private-key', c.privateKey], {
    KILN_CONFIG: config,
  });
  assert.equal(set.code, 0, set.stderr);
  assert.equal(((await stat(config)).mode & 0o777).toString(8), '600');
  const list = await userCli(['images', 'list', '--profile', 'lab', '--json'], { KILN_CONFIG: config });
  assert.equal(list.code, 0, list.stderr);
  const shown = await userCli(['profile', 'show', 'lab'], { KILN_CONFIG: config });
  assert.ok(!shown.stdout.includes(c.privateKey), 'the private key is masked');
  assert.ok(JSON.parse(await readFile(config, 'utf8')).profiles.lab.privateKey === c.privateKey);
  // `--private-key "$KEY"` with KEY unset: refused, and the saved profile still works.
  const blank = await userCli(['profile', 'set', 'lab', '--private-key', ''], { KILN_CONFIG: config });
  assert.equal(blank.code, 2);
  assert.equal(blank.stderr, "kiln: --private-key must not be empty (leave the option out to keep the profile's value); profile lab is unchanged\n");
  const spaces = await userCli(['profile', 'set', 'lab2', '--url', kiln.baseUrl, '--public-key', '  '], { KILN_CONFIG: config });
  assert.equal(spaces.code, 2);
  assert.match(spaces.stderr, /--public-key must not be empty/);
  const badProduct = await userCli(['profile', 'set', 'lab', '--product', 'ec2'], { KILN_CONFIG: config });
  assert.equal(badProduct.code, 2);
  assert.equal(badProduct.stderr, 'kiln: product must be one of uhost, compshare, zec, not ec2; profile lab is unchanged\n');
  const saved = JSON.parse(await readFile(config, 'utf8')) as { profiles: Record<string, { privateKey?: string; product?: string }> };
  assert.equal(saved.profiles.lab?.privateKey, c.privateKey);
  assert.equal(saved.profiles.lab?.product, undefined);
  assert.equal(saved.profiles.lab2, undefined);
  assert.equal((await userCli(['images', 'list', '--profile', 'lab', '--json'], { KILN_CONFIG: config })).code, 0);
});

test('CompShare: capture --wait and copy --wait, then delete', async () => {
  const { compshare } = await sdkClients(kiln);
  const base = join(dir, 'gpu-base.raw');
  await writeSparseDisk(base, 8 * MiB, [{ offset: 0, length: MiB, seed: 9 }]);
  const { imageId } = JSON.parse(await kiln.cli(['image', 'add-base', base, '--name', 'CUDA', '--os-type', 'Linux', '--product', 'compshare', '--json'])) as {
    imageId: string;
  };
  const { UHostIds } = await compshare.createCompShareInstance({
    CompShareImageId: imageId,
    GPU: 1,
    GpuType: '4090',
    Disks: [{ IsBoot: true, Type: 'CLOUD_SSD', Size: 1 }],
  });
  const host = UHostIds[0]!;
  const hostState = (want: string) =>
    waitFor(want, async () => ((await compshare.describeCompShareInstance({ UHostIds: [host] })).UHostSet[0]?.State === want ? true : undefined));
  await hostState('Running');
  await compshare.stopCompShareInstance({ UHostId: host });
  await hostState('Stopped');
  const cs = { KILN_PRODUCT: 'compshare', KILN_ZONE: 'cn-bj2-04' };
  const captured = await images(['capture', host, '--name', 'gpu-image', '--wait', '--json'], cs);
  assert.equal(captured.code, 0, captured.stderr);
  const id = (JSON.parse(captured.stdout) as { imageId: string; state: string }).imageId;
  const copied = await images(['copy', id, '--name', 'gpu-copy', '--wait'], cs);
  assert.equal(copied.code, 0, copied.stderr);
  const copyId = copied.stdout.trim();
  assert.notEqual(copyId, id);
  assert.match((await images(['show', copyId], cs)).stdout, /name:\s+gpu-copy\nstate:\s+Available/);
  assert.equal((await images(['delete', copyId], cs)).stdout, `deleted ${copyId}\n`);
});

test("list shows the base images offered to every product under every product, each in its product's shape", async () => {
  const file = join(dir, 'everywhere.raw');
  await writeSparseDisk(file, 4 * MiB, [{ offset: 0, length: MiB, seed: 11 }]);
  const addBase = async (name: string, product?: string) =>
    (
      JSON.parse(await kiln.cli(['image', 'add-base', file, '--name', name, '--os-type', 'Linux', '--json', ...(product ? ['--product', product] : [])])) as {
        imageId: string;
      }
    ).imageId;
  const everywhere = await addBase('Everywhere Linux');
  const csOnly = await addBase('CompShare only', 'compshare');
  const row = new RegExp(`${everywhere}\\s+Everywhere Linux\\s+Available`);
  type Rec = Record<string, unknown>;

  const cs = { KILN_PRODUCT: 'compshare', KILN_ZONE: 'cn-bj2-04' };
  const csList = await images(['list'], cs);
  assert.equal(csList.code, 0, csList.stderr);
  assert.match(csList.stdout, row);
  assert.ok(csList.stdout.includes(csOnly), 'and the CompShare-only one');
  const csRecord = (JSON.parse((await images(['list', '--json'], cs)).stdout) as Rec[]).find((i) => i.CompShareImageId === everywhere);
  assert.deepEqual([csRecord?.Name, csRecord?.ImageType, csRecord?.Status], ['Everywhere Linux', 'System', 'Available'], JSON.stringify(csRecord));
  assert.match((await images(['show', everywhere], cs)).stdout, /name:\s+Everywhere Linux\nstate:\s+Available/);

  // No zone in the profile: ZEC base images are offered in every zone, so any zone lists them.
  const zecList = await images(['list', '--product', 'zec']);
  assert.equal(zecList.code, 0, zecList.stderr);
  assert.match(zecList.stdout, row);
  assert.ok(!zecList.stdout.includes(csOnly), 'not a base image of another product');
  const zecRecords = JSON.parse((await images(['list', '--product', 'zec', '--json', '--limit', '50'], { KILN_ZONE: 'na-us-la-2a' })).stdout) as Rec[];
  const zecRecord = zecRecords.find((i) => i.imageId === everywhere);
  assert.deepEqual(
    [zecRecord?.imageName, zecRecord?.imageType, zecRecord?.imageSource, zecRecord?.imageStatus],
    ['Everywhere Linux', 'PUBLIC_IMAGE', 'OFFICIAL', 'AVAILABLE'],
    JSON.stringify(zecRecord),
  );

  const uhostList = await images(['list']);
  assert.match(uhostList.stdout, row);
  assert.ok(!uhostList.stdout.includes(csOnly));
});

test('Ctrl-C stops waiting (exit 130) without cancelling the job', async () => {
  const r = await images(['import', files.stallUrl(), '--format', 'raw', '--name', 'stalled']);
  const id = r.stdout.trim();
  const w = await userCli(['images', 'wait', id], env, (child) => {
    // Once the first progress line is out, the wait is under way.
    child.stderr!.once('data', () => child.kill('SIGINT'));
  });
  assert.equal(w.code, 130, w.stderr);
  assert.match(w.stderr, /stopped waiting; the job goes on/);
  assert.ok(w.stderr.includes(`\`kiln images wait ${id}\``), `names the image to follow again: ${w.stderr}`);
  const { uhost } = await sdkClients(kiln);
  assert.equal((await uhost.describeImage({ ImageIds: [id] })).ImageSet[0]?.State, 'Making');
});
