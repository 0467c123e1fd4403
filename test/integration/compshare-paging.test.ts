import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KilnProcess } from '../support/kiln-process.ts';
import { writeSparseDisk } from '../support/disk-files.ts';
import { addCompShareBase, createGpuHost, ok, stopGpuHost, waitImageAvailable, type Body } from '../support/compshare-flow.ts';
import type { UCloudTestClient } from '../support/ucloud-client.ts';

const MiB = 1024 * 1024;
const INITIAL = 1000;
let kiln: KilnProcess;
let owner: UCloudTestClient;
let sourceId: string;

before(async () => {
  kiln = await KilnProcess.start({ KILN_CUSTOM_IMAGE_QUOTA: '5000' });
  owner = await kiln.adminClient();
  const base = join(kiln.dataDir, 'base.raw');
  await writeSparseDisk(base, 64 * MiB, [{ offset: 0, length: MiB, seed: 9 }]);
  const host = await createGpuHost(owner, await addCompShareBase(kiln, base, 'Ubuntu 22.04'));
  await stopGpuHost(owner, host);
  sourceId = (await ok(owner, 'CreateCompShareCustomImage', { UHostId: host, Name: 'img-0000' })).CompShareImageId as string;
  await waitImageAvailable(owner, sourceId);
  // Copies are cheap (a manifest row each), which makes a 1,000-image catalogue quick to build.
  let next = 1;
  const worker = async () => {
    while (next < INITIAL) {
      const n = next++;
      await ok(owner, 'CopyCompShareCustomImage', { CompShareImageId: sourceId, TargetImageName: `img-${String(n).padStart(4, '0')}` });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
});

after(async () => {
  await kiln?.stop();
});

async function page(offset: number, limit: number): Promise<{ ids: string[]; total: number }> {
  const body = await ok(owner, 'DescribeCompShareCustomImages', { Offset: offset, Limit: limit });
  return { ids: (body.ImageSet as Body[]).map((i) => i.CompShareImageId as string), total: body.TotalCount as number };
}

test('Offset/Limit walks 1,000 images without a duplicate or a gap while images are being created', async () => {
  const before = await page(0, 100);
  assert.equal(before.total, INITIAL);
  const initial = new Set<string>();
  for (let offset = 0; offset < INITIAL; offset += 100) for (const id of (await page(offset, 100)).ids) initial.add(id);
  assert.equal(initial.size, INITIAL);

  // Creation keeps going for the whole walk.
  let creating = true;
  const created: string[] = [];
  const creator = (async () => {
    for (let n = 0; creating; n++) {
      const body = await ok(owner, 'CopyCompShareCustomImage', { CompShareImageId: sourceId, TargetImageName: `new-${n}` });
      created.push(body.NewCompShareImageId as string);
    }
  })();

  const seen: string[] = [];
  const totals: number[] = [];
  const limit = 20; // small pages: a long walk, so creation overlaps many of them
  for (let offset = 0; ; offset += limit) {
    const p = await page(offset, limit);
    seen.push(...p.ids);
    totals.push(p.total);
    // Stop once past the initial catalogue and a page comes back short (the end, for now).
    if (p.ids.length < limit) break;
    if (offset > INITIAL * 3) assert.fail('the walk does not end');
  }
  const createdDuringWalk = created.length;
  creating = false;
  await creator;

  assert.ok(createdDuringWalk >= 10, `images were created during the walk (${createdDuringWalk})`);
  assert.equal(new Set(seen).size, seen.length, 'no image was listed twice');
  for (const id of initial) assert.ok(seen.includes(id), `image ${id} was skipped`);
  // Creation order: the initial catalogue first, then what was made during the walk.
  assert.deepEqual(new Set(seen.slice(0, INITIAL)), initial);
  for (let i = 1; i < totals.length; i++) assert.ok(totals[i]! >= totals[i - 1]!, 'TotalCount counts the new images as they come');

  const final = await page(0, 1);
  assert.equal(final.total, INITIAL + created.length);
});

test('Limit defaults to 20 and is capped at 100', async () => {
  assert.equal((await page(0, 100)).ids.length, 100);
  const dflt = await ok(owner, 'DescribeCompShareCustomImages', {});
  assert.equal((dflt.ImageSet as Body[]).length, 20);
  const over = (await owner.call('DescribeCompShareCustomImages', { Zone: 'cn-bj2-04', Limit: 101 })).body;
  assert.equal(over.RetCode, 230);
  assert.equal(over.Message, 'Params [Limit] not valid: between 0 and 100 (got 101)');
});
