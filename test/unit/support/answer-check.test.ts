/**
 * The answer check the integration tests lean on refuses what it must, through its
 * precompiled checks: a field of the wrong type (with TypeBox's message) and a field the
 * schema does not declare, at the top and nested.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordedExamples } from '../../../src/docs-site/recorded-examples.ts';
import { checkUCloudAnswer, checkZecAnswer } from '../../support/answer-check.ts';

function describeImageAnswer(): Record<string, unknown> {
  const e = recordedExamples.find((x) => x.product === 'uhost' && x.action === 'DescribeImage');
  assert.ok(e, 'a recorded DescribeImage example');
  return structuredClone(e.answer.body) as Record<string, unknown>;
}

test('a recorded answer passes, and error answers are not checked against the success schema', async () => {
  await checkUCloudAnswer('DescribeImage', describeImageAnswer());
  await checkUCloudAnswer('DescribeImage', { Action: 'DescribeImageResponse', RetCode: 8039, Message: 'anything' });
  await checkZecAnswer('DescribeImages', 400, { requestId: 'r', code: 'X', message: 'y' });
});

test('a field of the wrong type is refused with where and what', async () => {
  const body = describeImageAnswer();
  body.TotalCount = 'one';
  await assert.rejects(checkUCloudAnswer('DescribeImage', body), /DescribeImage: the answer does not match[\s\S]*\/TotalCount/);
});

test('an undeclared field is refused, at the top and inside a list', async () => {
  const top = describeImageAnswer();
  top.Extra = 1;
  await assert.rejects(checkUCloudAnswer('DescribeImage', top), /\.Extra is not declared/);
  const nested = describeImageAnswer();
  // An own key named like an Object.prototype member is still an undeclared field.
  Object.defineProperty((nested.ImageSet as object[])[0]!, 'constructor', { value: 'x', enumerable: true });
  await assert.rejects(checkUCloudAnswer('DescribeImage', nested), /\.ImageSet\[0\]\.constructor is not declared/);
});
