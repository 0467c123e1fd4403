/**
 * DescribeImage answers repeated requests from kept listings and kept
 * encoded bodies. Neither may outlive a write, whichever process makes it, nor reach
 * another tenant: two API processes share one store here, one lists while the other writes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeSparseDisk } from '../support/disk-files.ts';
import { FileServer } from '../support/file-server.ts';
import { KilnProcess } from '../support/kiln-process.ts';
import { UCloudTestClient } from '../support/ucloud-client.ts';
import { waitImageSettled } from '../support/uhost-flow.ts';

const MiB = 1024 * 1024;
let a: KilnProcess;
let b: KilnProcess;
const files = new FileServer();

before(async () => {
  await files.start();
  a = await KilnProcess.start({ KILN_IMPORT_ALLOW_HOSTS: `127.0.0.1:${files.port}` });
  const shared = Object.fromEntries(Object.entries(a.env).filter(([k]) => k !== 'KILN_PORT'));
  b = await KilnProcess.start(shared, a.dataDir);
});

after(async () => {
  await files.close();
  await b?.kill();
  await a?.stop();
  await b?.stop();
});

async function importImage(c: UCloudTestClient, name: string, url: string): Promise<string> {
  const r = await c.call('ImportCustomImage', { ImageName: name, UFileUrl: url, OsType: 'Linux', OsName: 'Linux', Format: 'RAW', Auth: true });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  const img = await waitImageSettled(c, r.body.ImageId as string);
  assert.equal(img.State, 'Available', JSON.stringify(img));
  return r.body.ImageId as string;
}

async function customIds(c: UCloudTestClient): Promise<{ total: number; ids: string[]; text: string }> {
  const r = await c.call('DescribeImage', { ImageType: 'Custom', Limit: 20, Offset: 0 }, { encoding: 'get' });
  assert.equal(r.body.RetCode, 0, JSON.stringify(r.body));
  const set = r.body.ImageSet as { ImageId: string }[];
  return { total: r.body.TotalCount as number, ids: set.map((i) => i.ImageId), text: JSON.stringify(r.body) };
}

test("a repeated DescribeImage is never stale after a write in another process, and never another tenant's", async () => {
  const src = join(a.dataDir, 'small.raw');
  await writeSparseDisk(src, 4 * MiB, [{ offset: 0, length: MiB, seed: 3 }]);
  const url = files.serve('small.raw', src);
  const adminKeys = await a.credentials();
  const onA = await a.adminClient();
  const onB = new UCloudTestClient({ baseUrl: b.baseUrl, ...adminKeys, region: 'cn-bj2' });
  const other = JSON.parse(await a.cli(['account', 'create', 'other', '--json'])) as { publicKey: string; privateKey: string };
  const otherOnA = new UCloudTestClient({ baseUrl: a.baseUrl, ...other, region: 'cn-bj2' });

  const first = await importImage(onA, 'first', url);
  const before = await customIds(onA);
  assert.deepEqual(before.ids, [first]);
  assert.equal((await customIds(onA)).text, before.text, 'a repeated request gets the same answer');

  // The same request from another account, while A holds the admin's answer.
  const theirs = await customIds(otherOnA);
  assert.deepEqual(theirs, { total: 0, ids: [], text: theirs.text });

  // Written through B; asked of A at once, with no wait in between.
  const second = await importImage(onB, 'second', url);
  assert.deepEqual((await customIds(onA)).ids, [second, first], 'an image another process committed is listed at once');
  const del = await onB.call('TerminateCustomImage', { ImageId: first });
  assert.equal(del.body.RetCode, 0, JSON.stringify(del.body));
  const after = await customIds(onA);
  assert.deepEqual({ total: after.total, ids: after.ids }, { total: 1, ids: [second] }, 'an image deleted by another process is gone at once');
  assert.deepEqual((await customIds(otherOnA)).ids, [], 'the other account still sees none of them');

  // And the other account's own image reaches only its own answer.
  const mine = await importImage(new UCloudTestClient({ baseUrl: b.baseUrl, ...other, region: 'cn-bj2' }), 'theirs', url);
  assert.deepEqual((await customIds(otherOnA)).ids, [mine]);
  assert.deepEqual((await customIds(onA)).ids, [second]);
});

test('written through one process, listed through the other at once: every time, both ways', async () => {
  const src = join(a.dataDir, 'small.raw');
  const url = files.serve('copy-source.raw', src);
  const who = JSON.parse(await a.cli(['account', 'create', 'copier', '--json'])) as { publicKey: string; privateKey: string; projectId: string };
  const on = [a, b].map((k) => new UCloudTestClient({ baseUrl: k.baseUrl, publicKey: who.publicKey, privateKey: who.privateKey, region: 'cn-bj2' }));
  const source = await importImage(on[0]!, 'copy-source', url);
  const expected = [source];
  for (let i = 0; i < 12; i++) {
    const [writer, reader] = i % 2 === 0 ? [on[0]!, on[1]!] : [on[1]!, on[0]!];
    // The reader holds the answer from before the write (asked just now, so kept).
    assert.deepEqual((await customIds(reader)).ids, expected, `round ${i}: the answer before the write`);
    const copied = await writer.call('CopyCustomImage', { SourceImageId: source, TargetProjectId: who.projectId });
    assert.equal(copied.body.RetCode, 0, JSON.stringify(copied.body));
    expected.unshift(copied.body.TargetImageId as string);
    const seen = await customIds(reader);
    assert.deepEqual(
      { total: seen.total, ids: seen.ids },
      { total: expected.length, ids: expected },
      `round ${i}: the copy is listed by the other process at once`,
    );
  }
});
