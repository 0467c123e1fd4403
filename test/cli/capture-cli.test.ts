/**
 * The capture flow from the shell, as a user runs it against a real `kiln serve`: for each
 * product `kiln instances` creates, lists, shows, stops, starts and deletes an instance and
 * shows (UHost: grows) its disks, and `kiln images capture` images it. Then what
 * `kiln images download` does around an existing file and Ctrl-C.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdtemp, open, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { patternBlock, sha256File, writeSparseDisk } from '../support/disk-files.ts';
import { QEMU_IMG } from '../support/disk-images.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { userCli, type CliResult } from '../support/user-cli.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
let kiln: KilnProcess;
let env: Record<string, string>;
let dir: string;
let baseFile: string;
let base: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-capture-cli-'));
  kiln = await KilnProcess.start();
  const c = await kiln.credentials();
  env = { KILN_URL: kiln.baseUrl, KILN_PUBLIC_KEY: c.publicKey, KILN_PRIVATE_KEY: c.privateKey, KILN_CONFIG: join(dir, 'config.json') };
  baseFile = join(dir, 'base.raw');
  await writeSparseDisk(baseFile, 4 * MiB, [
    { offset: 0, length: MiB, seed: 41 },
    { offset: 3 * MiB, length: 4096, seed: 42 },
  ]);
  // No --product: every product offers it.
  base = (JSON.parse(await kiln.cli(['image', 'add-base', baseFile, '--name', 'Base Linux', '--os-type', 'Linux', '--json'])) as { imageId: string }).imageId;
});

after(async () => {
  await kiln?.stop();
});

type Product = 'uhost' | 'compshare' | 'zec';
const settings: Record<Product, Record<string, string>> = {
  uhost: { KILN_PRODUCT: 'uhost', KILN_ZONE: 'cn-bj2-04' },
  compshare: { KILN_PRODUCT: 'compshare', KILN_ZONE: 'cn-bj2-04' },
  zec: { KILN_PRODUCT: 'zec' },
};
const createFlags: Record<Product, string[]> = {
  uhost: ['--cpu', '2', '--memory', '4096'],
  compshare: ['--gpu', '1', '--gpu-type', '4090'],
  zec: ['--subnet', '1272168087751233112'],
};

function ok(r: CliResult, what: string): string {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

/** Create, list, stop, disk, start, show, stop, capture, delete: what a user does to make an image. */
async function captureFlow(product: Product): Promise<{ instance: string; image: string }> {
  const cli = (args: string[]) => userCli(args, { ...env, ...settings[product] });
  const name = `${product}-builder`;
  const created = await cli(['instances', 'create', '--image', base, '--name', name, ...createFlags[product], '--wait', '--json']);
  const instance = (JSON.parse(ok(created, 'create')) as { instanceId: string; state: string }).instanceId;
  assert.deepEqual(JSON.parse(created.stdout), { instanceId: instance, state: 'Running' });

  const list = ok(await cli(['instances', 'list']), 'list');
  assert.match(list, /^ID\s+NAME\s+STATE\s+IMAGE\s+CPU\s+MEMORY\s+DISKS\s+CREATED\n/);
  assert.match(list, new RegExp(`^${instance}\\s+${name}\\s+Running\\s+${base}\\s`, 'm'));

  assert.equal(ok(await cli(['instances', 'stop', instance, '--wait']), 'stop'), `${instance} Stopped\n`);
  const disks = ok(await cli(['instances', 'disk', instance]), 'disk');
  assert.match(disks, /^DISK\s+ROLE\s+TYPE\s+SIZE\n\S+\s+system\s+\S.*\s+1 GB\n$/);
  const diskId = disks.split('\n')[1]!.split(/\s+/)[0]!;
  let size = 1;
  if (product === 'uhost') {
    const grown = await cli(['instances', 'disk', instance, '--size', '2', '--wait']);
    assert.equal(ok(grown, 'disk --size'), `disk ${diskId} of ${instance} is 2 GB\n`);
    size = 2;
  } else {
    const refused = await cli(['instances', 'disk', instance, '--size', '2']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /has no action that grows a disk/);
  }

  assert.equal(ok(await cli(['instances', 'start', instance, '--wait']), 'start'), `${instance} Running\n`);
  const shown = ok(await cli(['instances', 'show', instance]), 'show');
  assert.match(shown, new RegExp(`^id:\\s+${instance}\nname:\\s+${name}\nstate:\\s+Running\n`));
  assert.match(shown, new RegExp(`^disk:\\s+${diskId} system \\S.* ${size} GB$`, 'm'));
  assert.equal(ok(await cli(['instances', 'stop', instance, '--wait', '--json']), 'stop again'), `{"instanceId":"${instance}","state":"Stopped"}\n`);

  const captured = await cli(['images', 'capture', instance, '--name', `${product}-image`, '--wait', '--json']);
  assert.deepEqual(Object.keys(JSON.parse(ok(captured, 'capture')) as object), ['imageId', 'state']);
  const { imageId: image, state } = JSON.parse(captured.stdout) as { imageId: string; state: string };
  assert.equal(state, 'Available');

  assert.equal(ok(await cli(['instances', 'delete', instance]), 'delete'), `deleted ${instance}\n`);
  return { instance, image };
}

let uhostImage: string;

// The three run side by side: most of each is waiting for CLI processes and jobs.
describe('the capture flow of each product', { concurrency: 3 }, () => {
  test('UHost: create, list, stop, grow the system disk, start, show, stop, capture, delete', async () => {
    const { instance, image } = await captureFlow('uhost');
    uhostImage = image;
    const gone = await userCli(['instances', 'show', instance, '--json'], { ...env, ...settings.uhost });
    assert.equal(gone.code, 2, `a deleted instance is not shown: ${gone.stdout}`);
    assert.equal(gone.stderr, `kiln: no instance ${instance}\n`);
  });

  test('CompShare: the same flow; its API grows no disk, which `disk --size` says', async () => {
    await captureFlow('compshare');
  });

  test('ZEC: the same flow; its API grows no disk, which `disk --size` says', async () => {
    await captureFlow('zec');
  });
});

test('create refuses what the product cannot do before calling it, and names what is missing', async () => {
  const zecNoSubnet = await userCli(['instances', 'create', '--image', base], { ...env, ...settings.zec });
  assert.equal(zecNoSubnet.code, 2);
  assert.match(zecNoSubnet.stderr, /CreateZecInstances names a subnet: --subnet ID/);
  const uhostNoZone = await userCli(['instances', 'create', '--image', base], env);
  assert.equal(uhostNoZone.code, 2);
  assert.match(uhostNoZone.stderr, /CreateUHostInstance names a zone/);
  const stopMissing = await userCli(['instances', 'stop', 'uhost-nope'], env);
  assert.equal(stopMissing.code, 3, stopMissing.stderr);
  assert.match(stopMissing.stderr, /StopUHostInstance refused: /);
});

test('download onto an existing file is refused unless --force, and the file is left as it was', async () => {
  const captured = join(dir, 'captured.qcow2');
  ok(await userCli(['images', 'download', uhostImage, '-o', captured, '--format', 'qcow2'], env), 'download');
  // The captured disk: the base image's bytes, grown to 2 GB with zeros.
  assert.match((await run(QEMU_IMG, ['compare', '-f', 'qcow2', '-F', 'raw', captured, baseFile])).stdout, /identical/);

  // The refusals and --force are the CLI's own, the same for any image: the 4 MiB base image
  // shows them without downloading the 2 GB capture twice more (about 15 s each).
  const file = join(dir, 'base.qcow2');
  ok(await userCli(['images', 'download', base, '-o', file, '--format', 'qcow2'], env), 'download the base image');
  assert.match((await run(QEMU_IMG, ['compare', '-f', 'qcow2', '-F', 'raw', file, baseFile])).stdout, /identical/);
  const [size, sha] = [(await stat(file)).size, await sha256File(file)];

  const again = await userCli(['images', 'download', base, '-o', file, '--format', 'qcow2'], env);
  assert.equal(again.code, 2, again.stderr);
  assert.equal(again.stderr, `kiln: ${file} exists (${size} bytes) and was left as it is: --force to overwrite it\n`);
  assert.equal(await sha256File(file), sha);

  const raw = join(dir, 'partial.raw');
  const fh = await open(raw, 'w');
  await fh.write(patternBlock(7, 4096));
  await fh.close();
  const rawAgain = await userCli(['images', 'download', base, '-o', raw], env);
  assert.equal(rawAgain.code, 2, rawAgain.stderr);
  assert.match(
    rawAgain.stderr,
    new RegExp(
      `exists \\(4096 bytes\\) and was left as it is: --resume to go on with it \\(\`kiln images download ${base} -o ${raw} --resume\`\\), --force to overwrite it`,
    ),
  );
  assert.ok((await readFile(raw)).equals(patternBlock(7, 4096)), 'untouched');

  // Overwritten with another image's bytes, so the check tells a rewrite from a file left alone.
  ok(await userCli(['images', 'download', base, '-o', captured, '--format', 'qcow2', '--force'], env), 'download --force');
  assert.equal(await sha256File(captured), sha, 'the base image written over the capture');
});

test('Ctrl-C during a download names the image, the file and --resume', async () => {
  // A large virtual disk, all holes: its raw download is gigabytes of zeros, so it is
  // still running whenever the signal comes.
  const big = join(dir, 'big.qcow2');
  await run(QEMU_IMG, ['create', '-q', '-f', 'qcow2', big, '64G']);
  const { imageId } = JSON.parse(await kiln.cli(['image', 'add-base', big, '--name', 'Big', '--os-type', 'Linux', '--product', 'uhost', '--json'])) as {
    imageId: string;
  };
  const file = join(dir, 'big.raw');
  const r = await userCli(['images', 'download', imageId, '-o', file], env, (child) => {
    // The file is opened once the server has answered: the download is under way.
    void (async () => {
      while (
        child.exitCode === null &&
        (await access(file).then(
          () => false,
          () => true,
        ))
      )
        await sleep(20);
      child.kill('SIGINT');
    })();
  });
  assert.equal(r.code, 130, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`kiln: download of ${imageId} stopped; ${file} holds what arrived: \`kiln images download ${imageId} -o ${file} --resume\``),
  );
  assert.doesNotMatch(r.stderr, / ID\b/);
  assert.ok((await stat(file)).size < 64 * GiB, 'it was interrupted');
});
