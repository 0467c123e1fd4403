import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { FileServer, type ServeOptions } from '../support/file-server.ts';
import { HOSTILE_MAX_VIRTUAL_SIZE, qemuRawSha256, writeHostileImages, writeOracleImages, type OracleImage } from '../support/disk-images.ts';
import { createHost, diskPath, waitImageSettled } from '../support/uhost-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { guestHead } from '../support/guest-disk.ts';

// Imports stream. Through a real kiln process and the UCloud API, every format
// qemu-img writes comes out exactly as qemu-img's raw conversion when the file server
// ignores Range requests (spooled) or cuts ranged answers halfway (those ranges asked for
// again, the import still succeeds), and the hostile corpus is refused through the spool.
// uhost-import-formats.test.ts does the same over a server that answers ranges.
let kiln: KilnProcess;
let client: UCloudTestClient;
const files = new FileServer();
let served = 0;

const wireFormat: Record<string, string> = { raw: 'RAW', qcow2: 'qcow2', vmdk: 'VMDK', vhd: 'VHD' };
/** What the probe request asks for (src/net/import-source.ts): a file this small needs no second request. */
const PROBE_BYTES = 256 * 1024;

before(async () => {
  await files.start();
  kiln = await KilnProcess.start({
    KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}`,
    KILN_MAX_VIRTUAL_SIZE: String(HOSTILE_MAX_VIRTUAL_SIZE),
    KILN_CUSTOM_IMAGE_QUOTA: '500',
  });
  client = await kiln.adminClient();
});

after(async () => {
  await files.close();
  await kiln?.stop();
});

async function importFile(path: string, format: string, opts: ServeOptions): Promise<{ name: string; settled: Record<string, unknown> }> {
  const name = `s${served++}`;
  const r = await client.call('ImportCustomImage', {
    ImageName: name,
    UFileUrl: files.serve(name, path, opts),
    OsType: 'Linux',
    OsName: 'Linux',
    Format: format,
    Auth: true,
  });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  return { name, settled: await waitImageSettled(client, r.body.ImageId as string) };
}

async function headSha256(disk: string, length: number): Promise<string> {
  return createHash('sha256')
    .update(await guestHead(disk, length))
    .digest('hex');
}

/** Imports `img` served with `opts`, makes a host of it and checks its disk against qemu-img. */
async function importAndCompare(img: OracleImage, opts: ServeOptions, truth: string): Promise<string> {
  const { name, settled } = await importFile(img.path, wireFormat[img.format]!, opts);
  assert.equal(settled.State, 'Available', `${img.name}: ${JSON.stringify(settled)}`);
  const host = await createHost(client, settled.ImageId as string);
  const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '-f', img.qemuFormat, img.path]).toString()) as { 'virtual-size': number };
  assert.equal(await headSha256(await diskPath(kiln, host), info['virtual-size']), truth, img.name);
  const del = await client.call('TerminateUHostInstance', { UHostId: host });
  assert.equal(del.body.RetCode, 0);
  return name;
}

test('every format imports byte-exact from a server without ranges and from one that cuts ranged answers', async () => {
  const dir = join(kiln.dataDir, 'oracle');
  await mkdir(dir);
  const images = await writeOracleImages(dir);
  assert.ok(images.length >= 17, 'raw, qcow2, vmdk (monolithicSparse, streamOptimized) and vhd (fixed, dynamic) variants');
  let droppedSomewhere = 0;
  for (const img of images) {
    const truth = await qemuRawSha256(img.path, img.qemuFormat, dir);
    const size = (await stat(img.path)).size;
    // Both at once (the import lane has two workers): each is served under its own name,
    // so the request logs checked below stay apart. In the second, every ranged answer
    // after the probe is cut halfway, the first two times.
    const [whole, cut] = await Promise.all([
      importAndCompare(img, { ranges: false }, truth),
      importAndCompare(img, { dropRanges: { from: 1, times: 2 } }, truth),
    ]);
    assert.ok(
      files.requests(whole).every((r) => r.range === null),
      `${img.name}: a server without ranges is read whole (spooled)`,
    );
    const cutAsked = files.requests(cut);
    const dropped = cutAsked.filter((r) => r.dropped);
    if (size > PROBE_BYTES) {
      assert.ok(dropped.length > 0, `${img.name}: some ranged answer was cut`);
      for (const d of dropped) {
        // The rest of the cut range was asked for again; the import was not restarted.
        assert.ok(
          cutAsked.some((r) => !r.dropped && r.range!.start > d.range!.start && r.range!.end === d.range!.end),
          `${img.name}: range ${d.range!.start}-${d.range!.end} resumed`,
        );
      }
      assert.equal(cutAsked.filter((r) => r.range?.start === 0).length, 1, `${img.name}: the import was not started over`);
    }
    droppedSomewhere += dropped.length;
  }
  assert.ok(droppedSomewhere > 0);
});

test('every hostile image is refused with its reason through the spool, as through ranges', async () => {
  const dir = join(kiln.dataDir, 'hostile');
  await mkdir(dir);
  const hostile = await writeHostileImages(dir);
  assert.ok(hostile.length >= 10);
  for (const h of hostile) {
    const { settled } = await importFile(h.path, wireFormat[h.claimedFormat]!, { ranges: false });
    assert.equal(settled.State, 'Unavailable', `${h.name} must be refused`);
    assert.ok(
      String(settled.FailedReason).includes(h.expectedReasonIncludes),
      `${h.name}: reason "${String(settled.FailedReason)}" should mention "${h.expectedReasonIncludes}"`,
    );
  }
  const health = await fetch(`${kiln.baseUrl}/healthz`);
  assert.equal(health.status, 200);
});
