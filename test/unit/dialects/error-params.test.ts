import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ucloudParamFor } from '../../../src/dialects/ucloud/error-map.ts';
import { zecParamFor } from '../../../src/dialects/zenlayer/error-map.ts';

test('UCloud spells core fields as its parameters, per product and action', () => {
  assert.equal(ucloudParamFor('UpdateCompShareImage', 'compshare', 'name'), 'Name');
  assert.equal(ucloudParamFor('ImportCustomImage', 'uhost', 'name'), 'ImageName');
  assert.equal(ucloudParamFor('CopyCompShareCustomImage', 'compshare', 'name'), 'TargetImageName');
  assert.equal(ucloudParamFor('CreateCustomImage', 'uhost', 'dataDiskIds'), 'DataUDiskIds');
  assert.equal(ucloudParamFor('CreateUHostInstance', 'uhost', 'disks'), 'Disks');
  assert.equal(ucloudParamFor('CreateUHostInstance', 'uhost', 'disks.1.size'), 'Disks.1.Size');
  assert.equal(ucloudParamFor('CreateUHostInstance', 'uhost', 'disks.2.snapshotId'), 'Disks.2.SnapshotId');
  assert.equal(ucloudParamFor('TerminateCustomImage', 'uhost', 'imageId'), 'ImageId');
  assert.equal(ucloudParamFor('TerminateCompShareCustomImage', 'compshare', 'imageId'), 'CompShareImageId');
  // A name a dialect action raised is its own already.
  assert.equal(ucloudParamFor('CreateUHostInstance', 'uhost', 'Password'), 'Password');
});

test('ZEC spells core fields as its parameters; the system disk is disk 0', () => {
  assert.equal(zecParamFor('name'), 'imageName');
  assert.equal(zecParamFor('disks'), 'dataDisks');
  assert.equal(zecParamFor('disks.0.size'), 'systemDisk.diskSize');
  assert.equal(zecParamFor('disks.2.size'), 'dataDisks.1.diskSize');
  assert.equal(zecParamFor('projectId'), 'resourceGroupId');
  assert.equal(zecParamFor('instanceName'), 'instanceName');
});
