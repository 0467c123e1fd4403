import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { ucloudActions } from '../../../src/dialects/ucloud/actions/index.ts';
import { zecActions } from '../../../src/dialects/zenlayer/actions/index.ts';
import { recordedExamples } from '../../../src/docs-site/recorded-examples.ts';
import { recordedExamplesModule } from '../../../src/docs-site/recorded-examples-module.ts';
import { checkUCloudAnswer, checkZecAnswer } from '../../support/answer-check.ts';

const root = resolve(import.meta.dirname, '../../..');

test('every action has exactly one recorded worked example, and every example an action (run `npm run docs:examples` if not)', () => {
  const actions = [...ucloudActions, ...zecActions].map((a) => `${a.product} ${a.name}`).sort();
  const examples = recordedExamples.map((e) => `${e.product} ${e.action}`).sort();
  assert.deepEqual(examples, actions);
});

test("every recorded answer still fits its action's answer schema", async () => {
  for (const e of recordedExamples) {
    const body = e.answer.body as Record<string, unknown>;
    if (e.product === 'zec') await checkZecAnswer(e.action, e.answer.status, body);
    else await checkUCloudAnswer(e.action, body);
    assert.equal(e.answer.status, 200, `${e.action}: an example shows a success`);
  }
});

test('src/docs-site/recorded-examples.ts is exactly what the recorder writes (no hand edits)', async () => {
  const text = await readFile(resolve(root, 'src/docs-site/recorded-examples.ts'), 'utf8');
  assert.ok(text === recordedExamplesModule(recordedExamples), 'recorded-examples.ts was edited by hand: run `npm run docs:examples`');
});

test('no recorded example shows a real key, signature, request id or random id', () => {
  const text = JSON.stringify(recordedExamples);
  const ids = [...new Set(text.match(/\b[a-z]+-[a-z0-9]{12}\b/g))];
  assert.ok(ids.length > 10, 'the examples name ids');
  assert.deepEqual(
    ids.filter((id) => !/-example\d{5}$/.test(id)),
    [],
    'ids not replaced by a stand-in',
  );
  assert.doesNotMatch(text, /"Signature":"[0-9a-f]{40}"/);
  assert.doesNotMatch(text, /T[0-9A-F]{8}-(?!0000)/);
  assert.doesNotMatch(text, /127\.0\.0\.1/);
});
