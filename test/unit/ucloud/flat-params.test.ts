import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFlatParams, readArray, readObject, readObjectArray } from '../../../src/dialects/ucloud/protocol/flat-params.ts';

describe('createFlatParams', () => {
  it('has no prototype, so client keys never hit inherited members', () => {
    const params = createFlatParams();
    assert.equal(Object.getPrototypeOf(params), null);
    assert.equal(params.constructor, undefined);
    // biome-ignore lint/suspicious/noProto: writing __proto__ must add an own key, not change the prototype
    params.__proto__ = 'x';
    assert.deepEqual(Object.keys(params), ['__proto__']);
  });
});

describe('readArray', () => {
  it('reads Name.N in numeric order, not text order', () => {
    const params = { 'Ids.10': 'k', 'Ids.2': 'c', 'Ids.0': 'a', 'Ids.1': 'b' };
    assert.deepEqual(readArray(params, 'Ids'), ['a', 'b', 'c', 'k']);
  });

  it('closes gaps instead of stopping at them', () => {
    assert.deepEqual(readArray({ 'Ids.0': 'a', 'Ids.3': 'd' }, 'Ids'), ['a', 'd']);
  });

  it('is empty when the list was not sent', () => {
    assert.deepEqual(readArray({ Region: 'cn-bj2' }, 'Ids'), []);
  });

  it('ignores other names, sub-fields and non-index suffixes', () => {
    const params = {
      'Ids.0': 'a',
      'IdsX.0': 'other name',
      Ids: 'bare',
      'Ids.1.Field': 'object element',
      'Ids.01': 'leading zero',
      'Ids.-1': 'negative',
      'Ids.x': 'not an index',
      'Ids.': 'empty',
    };
    assert.deepEqual(readArray(params, 'Ids'), ['a']);
  });

  it('works on nested names', () => {
    const params = { 'Softwares.Application.1': 'y', 'Softwares.Application.0': 'x' };
    assert.deepEqual(readArray(params, 'Softwares.Application'), ['x', 'y']);
  });
});

describe('readObjectArray', () => {
  it('groups Name.N.Field by index, in numeric order', () => {
    const params = {
      'Disks.10.Type': 'CLOUD_SSD',
      'Disks.0.IsBoot': 'True',
      'Disks.0.Size': '40',
      'Disks.1.IsBoot': 'False',
      Region: 'cn-bj2',
    };
    assert.deepEqual(
      readObjectArray(params, 'Disks').map((disk) => ({ ...disk })),
      [{ IsBoot: 'True', Size: '40' }, { IsBoot: 'False' }, { Type: 'CLOUD_SSD' }],
    );
  });

  it('keeps deeper keys flat inside the element', () => {
    const params = { 'Disks.0.CustomBackup.Journal': '7', 'Disks.0.Tags.0': 't' };
    const [disk] = readObjectArray(params, 'Disks');
    assert.deepEqual({ ...disk }, { 'CustomBackup.Journal': '7', 'Tags.0': 't' });
    assert.deepEqual(readArray(disk ?? {}, 'Tags'), ['t']);
  });

  it('ignores plain list items and malformed keys', () => {
    const params = { 'Disks.0': 'scalar', 'Disks.x.Size': '1', 'Disks.01.Size': '2', 'Disks.0.': 'empty field' };
    assert.deepEqual(readObjectArray(params, 'Disks'), []);
  });

  it('is empty when nothing was sent', () => {
    assert.deepEqual(readObjectArray({}, 'Disks'), []);
  });
});

describe('readObject', () => {
  it('returns the sub-map under Name.', () => {
    const params = {
      'Softwares.Framework': 'PyTorch',
      'Softwares.CUDAVersion': '12.1',
      'Softwares.Application.0': 'jupyter',
      SoftwaresX: 'other',
      Softwares: 'bare',
    };
    assert.deepEqual({ ...readObject(params, 'Softwares') }, { Framework: 'PyTorch', CUDAVersion: '12.1', 'Application.0': 'jupyter' });
  });

  it('is empty when nothing was sent', () => {
    assert.deepEqual(Object.keys(readObject({ Region: 'cn-bj2' }, 'Softwares')), []);
  });
});
