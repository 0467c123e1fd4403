/**
 * A spool never fills its disk. A server that answers 200 without a length and never ends
 * the body used to be written to scratch until the size cap (256 GiB); now the spool
 * checks the free space of its filesystem before and while it writes and fails the import
 * with a reason while KILN_IMPORT_MIN_FREE_BYTES are still free.
 *
 * The nearly full disk is real: the data dir is a 64 MiB tmpfs mounted for this test (as
 * root). Where mounting is not allowed, the process runs on the ordinary temp dir with a
 * reserve larger than any disk, which exercises the refusal before the first byte only.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freeBytes } from '../../src/net/spool-space.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';
import { waitImageSettled } from '../support/uhost-flow.ts';

const MiB = 1024 * 1024;
const TMPFS_BYTES = 64 * MiB;
const RESERVE = 16 * MiB;

let kiln: KilnProcess;
let client: UCloudTestClient;
let dataDir: string;
let mounted = false;
let endless: Server;
let endlessPort = 0;
const open = new Set<ServerResponse>();
/** Bytes the endless server has handed to the socket, per path. */
const sent = new Map<string, number>();

/** Answers 200 without Content-Length (or with a large one, under /claims/), and never ends. */
function startEndless(): Promise<number> {
  endless = createServer((req, res) => {
    const path = req.url ?? '/';
    open.add(res);
    res.on('close', () => open.delete(res));
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (path.startsWith('/claims/')) headers['content-length'] = String(1024 * MiB);
    res.writeHead(200, headers);
    const block = Buffer.alloc(256 * 1024, 0x5a);
    const pump = () => {
      while (!res.destroyed) {
        sent.set(path, (sent.get(path) ?? 0) + block.length);
        if (!res.write(block)) return void res.once('drain', pump);
      }
    };
    pump();
  });
  return new Promise((ok) => endless.listen(0, '127.0.0.1', () => ok((endless.address() as { port: number }).port)));
}

before(async () => {
  endlessPort = await startEndless();
  const port = endlessPort;
  dataDir = await mkdtemp(join(tmpdir(), 'kiln-scratch-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dataDir], { stdio: 'ignore' });
    mounted = true;
  } catch {
    mounted = false;
  }
  kiln = await KilnProcess.start(
    {
      KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${port}`,
      KILN_IMPORT_MIN_FREE_BYTES: String(mounted ? RESERVE : 2 ** 52),
    },
    dataDir,
  );
  client = await kiln.adminClient();
});

after(async () => {
  for (const res of open) res.destroy();
  endless?.close();
  await kiln?.kill();
  if (mounted) execFileSync('umount', [dataDir]);
  await kiln?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function importFrom(path: string): Promise<Record<string, unknown>> {
  const r = await client.call('ImportCustomImage', {
    ImageName: `endless${path.replaceAll('/', '-')}`,
    UFileUrl: `http://127.0.0.1:${endlessPort}${path}`,
    OsType: 'Linux',
    OsName: 'Linux',
    Format: 'RAW',
    Auth: true,
  });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  return waitImageSettled(client, r.body.ImageId as string, 60_000);
}

async function assertNoScratchLeft(): Promise<void> {
  const scratch = await readdir(join(dataDir, 'scratch')).catch(() => []);
  assert.deepEqual(scratch, [], 'the failed import left files in scratch');
}

test('an endless body without a length fails the import before the disk fills, and leaves nothing behind', async (t) => {
  if (!mounted) return t.skip('mounting a tmpfs is not allowed here, so no small real filesystem can be filled');
  const settled = await importFrom('/endless');
  assert.equal(settled.State, 'Unavailable', JSON.stringify(settled));
  assert.match(String(settled.FailedReason), /not enough disk space to spool the import: the scratch space ran low after \d+ bytes/);
  // It was stopped while writing, not refused up front: most of the room above the reserve was used.
  assert.ok((sent.get('/endless') ?? 0) > (TMPFS_BYTES - RESERVE) / 2, `only ${sent.get('/endless')} bytes were sent`);
  await assertNoScratchLeft();
  // The spool is gone: the filesystem has its room back.
  assert.ok((await freeBytes(dataDir)) > TMPFS_BYTES - RESERVE, `${await freeBytes(dataDir)} bytes free after the import failed`);
});

test('two endless imports at once both fail with a reason, and the filesystem never fills', async (t) => {
  if (!mounted) return t.skip('mounting a tmpfs is not allowed here, so no small real filesystem can be filled');
  let lowest = Infinity;
  const watching = setInterval(() => void freeBytes(dataDir).then((f) => (lowest = Math.min(lowest, f))), 5);
  try {
    const both = await Promise.all([importFrom('/endless-a'), importFrom('/endless-b')]);
    for (const settled of both) {
      assert.equal(settled.State, 'Unavailable', JSON.stringify(settled));
      assert.match(String(settled.FailedReason), /not enough disk space to spool the import/);
    }
  } finally {
    clearInterval(watching);
  }
  // Each spool writes at most 8 MiB between looks, so the two together stay inside the reserve.
  assert.ok(lowest > 0, `the filesystem filled: ${lowest} bytes free at the lowest`);
  await assertNoScratchLeft();
});

test('a body announced larger than the free space above the reserve is refused before it is written', async () => {
  const settled = await importFrom('/claims/big');
  assert.equal(settled.State, 'Unavailable', JSON.stringify(settled));
  assert.match(
    String(settled.FailedReason),
    /not enough disk space to spool the import: the import file is 1073741824 bytes and the scratch space has \d+ bytes free above its reserve/,
  );
  await assertNoScratchLeft();
});

test('an endless body is refused up front when the free space is already at the reserve', async () => {
  if (mounted) {
    // Fill the tmpfs to the reserve with a file of its own, as another writer would.
    const filler = join(dataDir, 'filler');
    execFileSync('fallocate', ['-l', String((await freeBytes(dataDir)) - RESERVE + MiB), filler]);
    try {
      const settled = await importFrom('/endless-full');
      assert.match(String(settled.FailedReason), /not enough disk space to spool the import: the scratch space has \d+ bytes free, not more than its reserve/);
    } finally {
      await rm(filler, { force: true });
    }
  } else {
    const settled = await importFrom('/endless-full');
    assert.match(String(settled.FailedReason), /not enough disk space to spool the import: the scratch space has \d+ bytes free, not more than its reserve/);
  }
  await assertNoScratchLeft();
});
