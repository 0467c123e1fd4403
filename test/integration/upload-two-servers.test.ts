/**
 * An upload started on one API process resumes on another: the offset and the staged
 * parts live in the shared stores (on pg-s3 the database and the bucket, each process with
 * a data dir of its own), never in one process's memory or disk.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { patternBytes } from '../support/disk-images.ts';
import { KilnProcess, sleep } from '../support/kiln-process.ts';
import { currentStack } from '../support/stacks.ts';
import { sha256Checksum, TusTestClient } from '../support/tus-client.ts';
import { waitImageSettled } from '../support/uhost-flow.ts';

const MiB = 1024 * 1024;
let a: KilnProcess;
let b: KilnProcess;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-upload-two-'));
  a = await KilnProcess.start();
  const shared = Object.fromEntries(Object.entries(a.env).filter(([k]) => k !== 'KILN_PORT'));
  if (currentStack() === 'pg-s3') {
    // Another host: its own data dir, the installation's master key, the same database and bucket.
    const own = join(dir, 'b-data');
    b = await KilnProcess.start({ ...shared, KILN_DATA_DIR: own, KILN_MASTER_KEY_FILE: join(a.dataDir, 'master.key') }, own);
  } else {
    b = await KilnProcess.start(shared, a.dataDir);
  }
});

after(async () => {
  await b?.kill();
  await a?.stop();
  await b?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a PATCH cut on one process is resumed on another from the offset that one reports', async () => {
  const keys = await a.credentials();
  const onA = new TusTestClient(a.baseUrl, keys);
  const onB = new TusTestClient(b.baseUrl, keys);
  const file = join(dir, 'two.raw');
  const size = 12 * MiB;
  await writeFile(file, patternBytes(21, size));
  const created = await onA.create({ length: size, product: 'uhost', name: 'two-servers', format: 'RAW', checksum: await sha256Checksum(file) });
  assert.equal(created.status, 201, created.body);
  const id = created.headers.location!.split('/').pop()!;
  const cutAt = Math.floor(size * 0.4);
  // Cut mid-way through the second part, once the first is stored: 4 MiB kept, 0.8 MiB lost.
  assert.equal(await onA.patch(id, file, 0, size, { cutAfter: cutAt, beforeCut: () => onB.untilStored(id, 4 * MiB) }), 'cut');
  // A part in flight at the cut lands a moment later: wait for the offset to hold still.
  let offset = -1;
  for (;;) {
    const head = await onB.head(id);
    assert.equal(head.status, 200, head.body);
    if (Number(head.headers['upload-offset']) === offset) break;
    offset = Number(head.headers['upload-offset']);
    await sleep(500);
  }
  assert.ok(offset === 4 * MiB, `process b sees offset ${offset} of the ${cutAt} bytes sent to a`);
  const rest = await onB.patch(id, file, offset, size);
  if (rest === 'cut') assert.fail('the resumed PATCH was answered');
  assert.equal(rest.status, 204, rest.body);
  assert.equal(onB.sentBytes, size - offset);
  const img = await waitImageSettled(await a.adminClient(), created.headers['kiln-image-id']!);
  assert.equal(img.State, 'Available', String(img.FailedReason));
  const url = onB.url('/v1/images/download', { Action: 'DownloadImage', ImageId: created.headers['kiln-image-id']!, Product: 'uhost', Format: 'raw' });
  const back = Buffer.from(await (await fetch(url)).arrayBuffer());
  assert.ok(back.equals(patternBytes(21, size)), 'the image is the file, byte for byte');
});
