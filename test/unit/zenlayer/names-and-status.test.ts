import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KilnError } from '../../../src/core/errors.ts';
import { expandInstanceNames } from '../../../src/dialects/zenlayer/instance-names.ts';
import { zecImageStatus } from '../../../src/dialects/zenlayer/models/zec-image.ts';
import { zecInstanceStatus } from '../../../src/dialects/zenlayer/models/zec-instance.ts';
import { IMAGE_NAME } from '../../../src/dialects/zenlayer/names.ts';
import type { Image } from '../../../src/core/model.ts';

test('image names: 2-63 of letters, digits, -/_. starting and ending with a letter or digit', () => {
  for (const ok of ['ab', 'a1', 'img/v1.2_final-x', 'A'.repeat(63)]) assert.ok(IMAGE_NAME.test(ok), ok);
  for (const bad of ['a', '', '_ab', 'ab.', 'a b', 'A'.repeat(64), 'a:b', 'ab\n']) assert.ok(!IMAGE_NAME.test(bad), JSON.stringify(bad));
});

test('instance name patterns expand as the page describes', () => {
  assert.deepEqual(expandInstanceNames('server_[3,3]', 2), ['server003', 'server004']);
  assert.deepEqual(expandInstanceNames('web', 1), ['web']);
  assert.deepEqual(expandInstanceNames('n[,]', 1), ['n000000']);
  assert.deepEqual(expandInstanceNames('s_[1,2]_[7,1]', 2), ['s017', 's028']);
  assert.throws(() => expandInstanceNames('x_[1,7]', 1), KilnError);
  assert.throws(() => expandInstanceNames('bad name', 1), KilnError);
});

test('an instance being imaged shows IMAGING; states map to the vendor statuses', () => {
  assert.equal(zecInstanceStatus({ state: 'stopped', operation: 'imaging' }), 'IMAGING');
  assert.equal(zecInstanceStatus({ state: 'stopped', operation: null }), 'STOPPED');
  assert.equal(zecInstanceStatus({ state: 'running', operation: null }), 'RUNNING');
  assert.equal(zecInstanceStatus({ state: 'initializing', operation: null }), 'DEPLOYING');
  assert.equal(zecInstanceStatus({ state: 'deploy_failed', operation: null }), 'CREATE_FAILED');
});

test('an image that failed with a reason is FAILED, one unavailable without a reason UNAVAILABLE', () => {
  const img = (state: Image['state'], failedReason: string | null) => ({ state, failedReason }) as Image;
  assert.equal(zecImageStatus(img('making', null)), 'CREATING');
  assert.equal(zecImageStatus(img('available', null)), 'AVAILABLE');
  assert.equal(zecImageStatus(img('unavailable', 'disk vanished')), 'FAILED');
  assert.equal(zecImageStatus(img('unavailable', null)), 'UNAVAILABLE');
});
