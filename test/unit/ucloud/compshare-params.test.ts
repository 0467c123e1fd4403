import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KilnError } from '../../../src/core/errors.ts';
import { readSoftwaresParam } from '../../../src/dialects/ucloud/actions/compshare/softwares-param.ts';
import { decimal, ParamError } from '../../../src/dialects/ucloud/protocol/param-schema.ts';

test('Softwares: the Create spelling (Softwares.Application.N)', () => {
  assert.deepEqual(
    readSoftwaresParam({ 'Softwares.Framework': 'PyTorch', 'Softwares.FrameworkVersion': '2.3', 'Softwares.CUDAVersion': '12.1', 'Softwares.Application.0': 'a', 'Softwares.Application.1': 'b' }),
    { framework: 'PyTorch', frameworkVersion: '2.3', cudaVersion: '12.1', applications: ['a', 'b'] },
  );
});

test('Softwares: the Publish spellings (Applications.N, Software.*, bare Framework)', () => {
  assert.deepEqual(readSoftwaresParam({ 'Softwares.Applications.0': 'x' }), { applications: ['x'] });
  assert.deepEqual(readSoftwaresParam({ 'Software.CUDAVersion': '11.8', Framework: 'TF' }), { cudaVersion: '11.8', framework: 'TF' });
  assert.deepEqual(readSoftwaresParam({ 'Softwares.Framework': 'A', 'Software.Framework': 'B' }), { framework: 'A' }, 'Softwares wins');
});

test('Softwares: nothing sent is undefined, so updates keep what is stored', () => {
  assert.equal(readSoftwaresParam({ Name: 'x', 'Softwares.Framework': '' }), undefined);
});

test('Softwares: overlong fields and lists are refused with the parameter named', () => {
  assert.throws(() => readSoftwaresParam({ 'Softwares.Framework': 'x'.repeat(65) }), (e: unknown) => e instanceof KilnError && e.param === 'Softwares.Framework');
  const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`Softwares.Application.${i}`, 'a']));
  assert.throws(() => readSoftwaresParam(many), KilnError);
});

test('decimal(): plain decimals within bounds', () => {
  const price = decimal({ required: true, min: 0, max: 100 });
  assert.equal(price.read({ Price: '9.99' }, 'Price'), 9.99);
  assert.equal(price.read({ Price: '0' }, 'Price'), 0);
  for (const bad of ['1e3', '0x10', ' 1', '-1', '100.5', '1.', 'NaN']) {
    assert.throws(() => price.read({ Price: bad }, 'Price'), ParamError, bad);
  }
  assert.throws(() => price.read({}, 'Price'), (e: unknown) => e instanceof ParamError && e.kind === 'missing');
});
