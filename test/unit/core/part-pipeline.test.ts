import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UploadPart } from '../../../src/core/model.ts';
import { PartPipeline } from '../../../src/core/uploads/part-pipeline.ts';

/** A stage whose parts finish when the test says so, in any order. */
function controlledStage() {
  const finish: ((key: string) => void)[] = [];
  const fail: ((e: Error) => void)[] = [];
  const stage = (_bytes: Buffer) =>
    new Promise<string | null>((resolve, reject) => {
      finish.push(resolve);
      fail.push(reject);
    });
  return { stage, finish, fail };
}

const tick = () => new Promise((r) => setImmediate(r));

test('parts durable out of order are recorded in file order, the front run in one call, and only while contiguous', async () => {
  const s = controlledStage();
  const records: UploadPart[][] = [];
  const p = new PartPipeline(3, 4, s.stage, async (parts) => {
    records.push(parts);
  });
  for (let i = 0; i < 3; i++) p.submit(await p.buffer(), i * 4, 4);
  s.finish[2]?.('k2');
  s.finish[1]?.('k1');
  await tick();
  assert.deepEqual(records, [], 'nothing is recorded while the first part is not durable');
  s.finish[0]?.('k0');
  await p.drain();
  assert.deepEqual(records, [
    [
      { start: 0, length: 4, chunkKey: 'k0' },
      { start: 4, length: 4, chunkKey: 'k1' },
      { start: 8, length: 4, chunkKey: 'k2' },
    ],
  ]);
});

test('no more than depth + 1 buffers: the reader waits until a part is durable', async () => {
  const s = controlledStage();
  const p = new PartPipeline(2, 4, s.stage, async () => undefined);
  const held = new Set<Buffer>();
  for (let i = 0; i < 3; i++) {
    const b = await p.buffer();
    held.add(b);
    if (i < 2) p.submit(b, i * 4, 4);
  }
  let got: Buffer | undefined;
  void p.buffer().then((b) => {
    got = b;
  });
  await tick();
  assert.equal(got, undefined, 'a fourth buffer is not handed out while two parts stage and one is filling');
  s.finish[1]?.('k1');
  await tick();
  assert.ok(got !== undefined && held.has(got), 'the durable part’s buffer is reused');
});

test('a failed part stops the records after it, and drain throws its error', async () => {
  const s = controlledStage();
  const records: UploadPart[][] = [];
  const p = new PartPipeline(3, 4, s.stage, async (parts) => {
    records.push(parts);
  });
  for (let i = 0; i < 3; i++) p.submit(await p.buffer(), i * 4, 4);
  s.finish[0]?.('k0');
  await tick();
  s.fail[1]?.(new Error('disk full'));
  s.finish[2]?.('k2');
  await assert.rejects(p.drain(), /disk full/);
  assert.deepEqual(records, [[{ start: 0, length: 4, chunkKey: 'k0' }]], 'the part after the failed one is never recorded');
  await assert.rejects(p.buffer(), /disk full/);
});
