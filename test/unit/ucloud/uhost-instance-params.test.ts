import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKilnError, KilnError } from '../../../src/core/errors.ts';
import { inLegacyTerms, legacyDiskRequests, refuseMixedDiskForms, resolveUHostType } from '../../../src/dialects/ucloud/actions/uhost/legacy-disks-param.ts';
import { requireBase64Password } from '../../../src/dialects/ucloud/actions/uhost/login-params.ts';

test('the older UHostType spellings resolve with HostType as the older page describes', () => {
  assert.equal(resolveUHostType('Normal', 'N1'), 'N1');
  assert.equal(resolveUHostType('Normal', undefined), 'N2');
  assert.equal(resolveUHostType('SATA_SSD', 'N2'), 'I2');
  assert.equal(resolveUHostType('GPU', 'N1'), 'G1');
  assert.equal(resolveUHostType('BigData', 'N2'), 'D1');
  assert.equal(resolveUHostType('N3', 'N1'), 'N3', 'a concrete type is kept');
  assert.equal(resolveUHostType(undefined, 'N1'), undefined);
});

test('the older disk form maps onto a system disk and an optional data disk of one type', () => {
  assert.deepEqual(legacyDiskRequests({}), [{ isBoot: true, type: 'LOCAL_NORMAL', sizeGb: 20 }]);
  assert.deepEqual(legacyDiskRequests({ StorageType: 'UDisk', BootDiskSpace: 40, DiskSpace: 0 }), [{ isBoot: true, type: 'CLOUD_NORMAL', sizeGb: 40 }]);
  assert.deepEqual(legacyDiskRequests({ DiskSpace: 100 })[1], { isBoot: false, type: 'LOCAL_NORMAL', sizeGb: 100 });
  const tooBig = new KilnError('InvalidParameter', 'a disk may be at most 40 GB', 'disks.1.size');
  assert.equal((inLegacyTerms(tooBig) as KilnError).param, 'DiskSpace', 'core blames disks by place; the older form names its own parameter');
  assert.equal((inLegacyTerms(new KilnError('InvalidParameter', 'x', 'disks.0.size')) as KilnError).param, 'BootDiskSpace');
  assert.throws(() => refuseMixedDiskForms({ BootDiskSpace: 20 }), (e) => isKilnError(e) && e.code === 'InvalidParameter' && e.param === 'BootDiskSpace');
  assert.doesNotThrow(() => refuseMixedDiskForms({}));
});

test('passwords must be base64, as the pages ask', () => {
  assert.doesNotThrow(() => requireBase64Password(Buffer.from('Passw0rd!').toString('base64')));
  for (const bad of ['Passw0rd!', 'abc', 'a b=', '====']) {
    assert.throws(() => requireBase64Password(bad), (e) => isKilnError(e) && e.code === 'InvalidParameter' && e.param === 'Password', bad);
  }
});
