import assert from 'node:assert/strict';
import { test } from 'node:test';
import { softwaresFrom, softwaresParams } from '../../../src/dialects/ucloud/actions/compshare/softwares-param.ts';
import { decimal, ParamError, parseParams } from '../../../src/dialects/ucloud/protocol/param-schema.ts';

/** The Softwares parameters as an action reads them: declared in its schema, merged by softwaresFrom. */
const readSoftwaresParam = (flat: Record<string, string>) => softwaresFrom(parseParams(softwaresParams, flat));

test('Softwares: the Create spelling (Softwares.Application.N)', () => {
  assert.deepEqual(
    readSoftwaresParam({
      'Softwares.Framework': 'PyTorch',
      'Softwares.FrameworkVersion': '2.3',
      'Softwares.CUDAVersion': '12.1',
      'Softwares.Application.0': 'a',
      'Softwares.Application.1': 'b',
    }),
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
  assert.throws(
    () => readSoftwaresParam({ 'Softwares.Framework': 'x'.repeat(65) }),
    (e: unknown) => e instanceof ParamError && e.name === 'Softwares.Framework' && e.kind === 'invalid',
  );
  assert.throws(
    () => readSoftwaresParam({ 'Software.CUDAVersion': 'x'.repeat(65) }),
    (e: unknown) => e instanceof ParamError && e.name === 'Software.CUDAVersion',
  );
  assert.throws(
    () => readSoftwaresParam({ 'Softwares.Application.1': 'x'.repeat(65) }),
    (e: unknown) => e instanceof ParamError && e.name === 'Softwares.Application.1',
  );
  const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`Softwares.Application.${i}`, 'a']));
  assert.throws(
    () => readSoftwaresParam(many),
    (e: unknown) => e instanceof ParamError && e.name === 'Softwares.Application',
  );
});

test('decimal(): plain decimals within bounds', () => {
  const schema = { Price: decimal({ required: true, min: 0, max: 100 }) };
  const read = (flat: Record<string, string>) => parseParams(schema, flat).Price;
  assert.equal(read({ Price: '9.99' }), 9.99);
  assert.equal(read({ Price: '0' }), 0);
  for (const bad of ['1e3', '0x10', ' 1', '-1', '100.5', '1.', 'NaN']) {
    assert.throws(() => read({ Price: bad }), ParamError, bad);
  }
  assert.throws(
    () => read({}),
    (e: unknown) => e instanceof ParamError && e.kind === 'missing',
  );
});
