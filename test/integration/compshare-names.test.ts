import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { addCompShareBase, createGpuHost, cs, ok, otherAccount, stopGpuHost, waitImageAvailable, type Body } from '../support/compshare-flow.ts';
import type { UCloudEncoding, UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
const encodings: UCloudEncoding[] = ['form', 'json', 'get', 'form+query'];
let kiln: KilnProcess;
let owner: UCloudTestClient;
let hosts: string[];
let baseImageId: string;

before(async () => {
  kiln = await KilnProcess.start();
  owner = await kiln.adminClient();
  const base = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(base, 64 * MiB, [{ offset: 0, length: MiB, seed: 5 }]);
  baseImageId = await addCompShareBase(kiln, base, 'Ubuntu 22.04');
  // Several stopped hosts, so the race is decided by the name and not by one host being busy.
  hosts = await Promise.all([0, 1, 2, 3, 4].map(() => createGpuHost(owner, baseImageId)));
  await Promise.all(hosts.map((h) => stopGpuHost(owner, h)));
});

after(async () => {
  await kiln?.stop();
});

function tally(bodies: Body[]) {
  const winners = bodies.filter((b) => b.RetCode === 0);
  const losers = bodies.filter((b) => b.RetCode !== 0);
  return { winners, losers };
}

test('50 concurrent CreateCompShareCustomImage with one name: exactly one wins, 49 are told the name is taken', async () => {
  const bodies = await Promise.all(
    Array.from(
      { length: 50 },
      async (_, i) =>
        (
          await owner.call(
            'CreateCompShareCustomImage',
            { Zone: 'cn-bj2-04', UHostId: hosts[i % hosts.length], Name: 'race' },
            { encoding: encodings[i % encodings.length] },
          )
        ).body,
    ),
  );
  const { winners, losers } = tally(bodies);
  assert.equal(winners.length, 1, JSON.stringify(winners));
  assert.equal(losers.length, 49);
  for (const l of losers) {
    assert.equal(l.RetCode, 230, JSON.stringify(l));
    assert.match(l.Message as string, /^Params \[Name\] not valid: an image named "race" already exists$/);
  }
  const winner = winners[0]!.CompShareImageId as string;
  await waitImageAvailable(owner, winner);
  const listed = await ok(owner, 'DescribeCompShareCustomImages', { Limit: 100 });
  const named = (listed.ImageSet as Body[]).filter((i) => i.Name === 'race');
  assert.deepEqual(
    named.map((i) => i.CompShareImageId),
    [winner],
  );
  assert.equal(listed.TotalCount, 1, 'no loser left an image behind');
});

test('50 concurrent copies to one name: exactly one wins', async () => {
  const src = (await ok(owner, 'DescribeCompShareCustomImages', {})).ImageSet as Body[];
  const sourceId = src[0]!.CompShareImageId as string;
  const bodies = await Promise.all(
    Array.from(
      { length: 50 },
      async (_, i) =>
        (
          await owner.call(
            'CopyCompShareCustomImage',
            { CompShareImageId: sourceId, TargetImageName: 'copy-race' },
            { encoding: encodings[i % encodings.length] },
          )
        ).body,
    ),
  );
  const { winners, losers } = tally(bodies);
  assert.equal(winners.length, 1);
  assert.ok(
    losers.every((l) => l.RetCode === 230 && /already exists/.test(l.Message as string)),
    JSON.stringify(losers[0]),
  );
  assert.equal((await ok(owner, 'DescribeCompShareCustomImages', {})).TotalCount, 2);
});

test('renaming onto a taken name is refused; another account may use the same name', async () => {
  const images = (await ok(owner, 'DescribeCompShareCustomImages', {})).ImageSet as Body[];
  const copy = images.find((i) => i.Name === 'copy-race')!;
  const clash = await cs(owner, 'UpdateCompShareImage', { CompShareImageId: copy.CompShareImageId, Name: 'race' });
  assert.equal(clash.RetCode, 230);
  assert.match(clash.Message as string, /already exists/);
  await ok(owner, 'UpdateCompShareImage', { CompShareImageId: copy.CompShareImageId, Name: 'renamed' });
  await ok(owner, 'CopyCompShareCustomImage', { CompShareImageId: copy.CompShareImageId, TargetImageName: 'copy-race' });

  const { client: other } = await otherAccount(kiln, 'neighbour');
  const otherHost = await createGpuHost(other, baseImageId);
  await stopGpuHost(other, otherHost);
  await ok(other, 'CreateCompShareCustomImage', { UHostId: otherHost, Name: 'race' });
});
