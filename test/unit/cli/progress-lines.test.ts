/**
 * The CLI's progress off a terminal (logs, CI), fed the readings a wait gets from the
 * SDK: what each line says when the work is in steps, when a size is unknown, when a
 * count arrives lower than one shown, and when the work has ended.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { progress } from '../../../src/cli/images/progress.ts';

const MiB = 1024 * 1024;

function lines(): { stream: PassThrough; text: () => string[] } {
  const stream = new PassThrough();
  const out: string[] = [];
  stream.on('data', (d: Buffer) => out.push(...d.toString().split('\n').filter(Boolean)));
  return { stream, text: () => out };
}

test('a step of unknown size shows bytes and a rate, no percentage; the next step shows its own count', () => {
  const { stream, text } = lines();
  const p = progress('img', stream);
  p.show({ done: 3 * MiB, total: null, state: 'Making', phase: { name: 'download', index: 1, count: 2 }, rate: 2 * MiB });
  p.show({ done: MiB, total: 8 * MiB, state: 'Making', phase: { name: 'convert', index: 2, count: 2 }, rate: 4 * MiB });
  assert.deepEqual(text(), ['img: Making, download 1/2: 3.0 MiB, 2.0 MiB/s', 'img: Making, convert 2/2: 1.0 MiB / 8.0 MiB (12%), 4.0 MiB/s, ETA 2s']);
});

test('a lower count within a step is not shown: the line stays where it was', async () => {
  const { stream, text } = lines();
  const p = progress('img', stream);
  const step = { name: 'convert', index: 2, count: 2 };
  p.show({ done: 4 * MiB, total: 8 * MiB, state: 'Making', phase: step, rate: MiB });
  // Lines of the same step come at most once a second.
  await new Promise((r) => setTimeout(r, 1100));
  p.show({ done: 2 * MiB, total: 8 * MiB, state: 'Making', phase: step, rate: MiB });
  assert.deepEqual(text(), [
    'img: Making, convert 2/2: 4.0 MiB / 8.0 MiB (50%), 1.0 MiB/s, ETA 4s',
    'img: Making, convert 2/2: 4.0 MiB / 8.0 MiB (50%), 1.0 MiB/s, ETA 4s',
  ]);
});

test('the last line of finished work is its real size and its average rate', () => {
  const { stream, text } = lines();
  const p = progress('img', stream);
  p.show({ done: 20 * MiB, total: 20 * MiB, state: 'Available', final: true, rate: 5 * MiB });
  assert.deepEqual(text(), ['img: Available 20.0 MiB / 20.0 MiB (100%), 5.0 MiB/s average']);
});

test('finished work whose size was never told says so without made-up counts', () => {
  const { stream, text } = lines();
  const p = progress('img', stream);
  p.show({ done: 0, total: null, state: 'Making' });
  p.show({ done: 0, total: null, state: 'Available', final: true });
  assert.deepEqual(text(), ['img: Making', 'img: Available']);
});

test('work at its total with no rate known yet says no "? B/s": its average since the first reading, or nothing', async () => {
  // The server had every byte already (a resume after the last answer was lost): 100% is the only reading.
  const first = lines();
  progress('uimage-x', first.stream).show({ done: 8 * MiB, total: 8 * MiB, state: 'Uploading' });
  assert.deepEqual(first.text(), ['uimage-x: Uploading 8.0 MiB / 8.0 MiB (100%), ETA 0s']);
  // A count of a few readings that gave no rate (a caller's own, or readings within one millisecond).
  const later = lines();
  const p = progress('uimage-y', later.stream);
  p.show({ done: 0, total: 4 * MiB, state: 'Uploading' });
  await new Promise((r) => setTimeout(r, 20));
  p.show({ done: 4 * MiB, total: 4 * MiB, state: 'Uploading' });
  assert.match(later.text()[1] ?? '', /^uimage-y: Uploading 4\.0 MiB \/ 4\.0 MiB \(100%\), [\d.]+ \S+\/s, ETA 0s$/);
});
