import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKilnError, KilnError } from '../../../src/core/errors.ts';
import { inLegacyTerms, legacyDiskRequests, refuseMixedDiskForms, resolveUHostType } from '../../../src/dialects/ucloud/actions/uhost/legacy-disks-param.ts';
import { requireBase64Password } from '../../../src/dialects/ucloud/actions/uhost/login-params.ts';
import { toUHostInstanceSet } from '../../../src/dialects/ucloud/models/uhost-instance-set.ts';
import { hostTypeOf, uHostFamily } from '../../../src/dialects/ucloud/models/uhost-type.ts';
import type { Disk, Image, Instance } from '../../../src/core/model.ts';

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
  assert.throws(
    () => refuseMixedDiskForms({ BootDiskSpace: 20 }),
    (e) => isKilnError(e) && e.code === 'InvalidParameter' && e.param === 'BootDiskSpace',
  );
  assert.doesNotThrow(() => refuseMixedDiskForms({}));
});

test('passwords must be base64, as the pages ask', () => {
  assert.doesNotThrow(() => requireBase64Password(Buffer.from('Passw0rd!').toString('base64')));
  for (const bad of ['Passw0rd!', 'abc', 'a b=', '====']) {
    assert.throws(
      () => requireBase64Password(bad),
      (e) => isKilnError(e) && e.code === 'InvalidParameter' && e.param === 'Password',
      bad,
    );
  }
});

/** A host as CreateUHostInstance's older form stores it: HostType N2, LocalDisk, a 30 GB system and a 50 GB data disk. */
function olderFormHost(over: Partial<Instance> = {}): { instance: Instance; disks: Disk[] } {
  const instance: Instance = {
    id: 'uhost-older',
    product: 'uhost',
    accountId: 'acc-1',
    projectId: 'org-1',
    region: 'cn-bj2',
    zone: 'cn-bj2-04',
    name: 'older',
    state: 'running',
    operation: null,
    nodeId: 'node-a',
    imageId: 'uimage-custom',
    cpu: 4,
    memoryMb: 8192,
    gpuType: null,
    gpuCount: 0,
    osType: 'Linux',
    osName: 'CentOS 7',
    attributes: { loginMode: 'Password', chargeType: 'Month', uHostType: resolveUHostType(undefined, 'N2'), hostType: 'N2' },
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...over,
  };
  const disks = legacyDiskRequests({ StorageType: 'LocalDisk', BootDiskSpace: 30, DiskSpace: 50 }).map((r, index) => ({
    id: `disk-${index}`,
    instanceId: instance.id,
    index,
    isBoot: r.isBoot,
    type: r.type,
    sizeBytes: r.sizeGb * 1024 ** 3,
    path: '',
    sourceImageId: r.isBoot ? instance.imageId : null,
  }));
  return { instance, disks };
}

const base: Image = {
  id: 'uimage-base',
  product: null,
  accountId: null,
  projectId: null,
  region: 'cn-bj2',
  zone: 'cn-bj2-04',
  kind: 'base',
  name: 'CentOS 7',
  description: '',
  osType: 'Linux',
  osName: 'CentOS 7',
  state: 'available',
  failedReason: null,
  virtualSize: 1024 ** 3,
  storedSize: 0,
  sourceInstanceId: null,
  parentImageId: null,
  visibility: 'public',
  attributes: {},
  createdAt: 0,
  updatedAt: 0,
};

test('the older form reads back as UCloud answers it: HostType N2, UHostType Normal, LocalDisk, data disks in TotalDiskSpace', () => {
  const { instance, disks } = olderFormHost();
  const set = toUHostInstanceSet(instance, disks, base);
  assert.equal(set.HostType, 'N2');
  assert.equal(set.UHostType, 'Normal');
  assert.equal(set.StorageType, 'LocalDisk');
  assert.equal(set.TotalDiskSpace, 50, 'the data disks only, not the system disk');
  assert.equal(set.BootDiskState, 'Normal');
  assert.equal(set.BasicImageId, 'uimage-base');
  assert.equal(set.BasicImageName, 'CentOS 7');
  assert.equal(set.OsName, set.BasicImageName, 'the page: the same as BasicImageName for a host from a base image');
  assert.deepEqual(
    set.DiskSet.map((d) => [d.Type, d.IsBoot, d.DiskType, d.Size, d.Drive]),
    [
      ['Boot', 'True', 'LOCAL_NORMAL', 30, 'vda'],
      ['Data', 'False', 'LOCAL_NORMAL', 50, 'vdb'],
    ],
  );
  assert.equal(toUHostInstanceSet({ ...instance, state: 'initializing' }, disks, base).BootDiskState, 'Initializing');
  assert.equal(toUHostInstanceSet({ ...instance, state: 'reinstalling' }, disks, base).BootDiskState, 'Initializing');
  assert.equal(toUHostInstanceSet(instance, disks, undefined).BasicImageId, '', 'an image gone since: no base to name');
});

test('UHostType answers the family of every older series; HostType the generation', () => {
  const read = (uHostType: string | undefined, hostType: 'N1' | 'N2' | undefined, gpuCount = 0) => {
    const { instance, disks } = olderFormHost({ gpuCount, attributes: { uHostType: resolveUHostType(uHostType, hostType), hostType } });
    const set = toUHostInstanceSet(instance, disks, base);
    return [set.UHostType, set.HostType];
  };
  assert.deepEqual(read('Normal', 'N1'), ['Normal', 'N1']);
  assert.deepEqual(read(undefined, undefined), ['Normal', 'N2']);
  assert.deepEqual(read('SATA_SSD', 'N2'), ['SSD', 'N2']);
  assert.deepEqual(read('BigData', undefined), ['BigData', 'N2']);
  assert.deepEqual(read('GPU', 'N1'), ['GPU', 'N1']);
  assert.deepEqual(read(undefined, undefined, 1), ['GPU', 'N2'], 'a GPU host without a type');
  assert.deepEqual(read('N1', undefined), ['Normal', 'N1'], 'a series sent as UHostType gives its generation');
  assert.deepEqual(read('O', undefined), ['O', 'N2'], 'outside the older families: as sent');
  assert.equal(uHostFamily('I2'), 'SSD');
  assert.equal(hostTypeOf('D1'), 'N2', 'D1 is BigData, not the first generation');
});
