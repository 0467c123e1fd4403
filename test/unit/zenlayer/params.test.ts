import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bool, enumOf, int, obj, parseZcParams, str, strArray, tags, ZcParamError } from '../../../src/dialects/zenlayer/protocol/params.ts';

function problem(fn: () => unknown): { code: string; param: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ZcParamError, String(e));
    return { code: e.code, param: e.param };
  }
  assert.fail('expected a parameter error');
}

test('values keep their JSON types; wrong types are refused, not coerced', () => {
  const schema = { n: int({ min: 1, max: 10, default: 5 }), b: bool(), s: str({ required: true }), e: enumOf(['A', 'B'] as const) };
  assert.deepEqual(parseZcParams(schema, { s: 'x', b: false }), { n: 5, b: false, s: 'x', e: undefined });
  assert.deepEqual(problem(() => parseZcParams(schema, { s: 'x', n: '3' })), { code: 'INVALID_PARAMETER_TYPE', param: 'n' });
  assert.deepEqual(problem(() => parseZcParams(schema, { s: 'x', n: 2.5 })), { code: 'INVALID_PARAMETER_TYPE', param: 'n' });
  assert.deepEqual(problem(() => parseZcParams(schema, { s: 'x', n: 11 })), { code: 'INVALID_PARAMETER_EXCEED_MAXIMUM', param: 'n' });
  assert.deepEqual(problem(() => parseZcParams(schema, { s: 'x', n: 0 })), { code: 'INVALID_PARAMETER_LESS_MINIMUM', param: 'n' });
  assert.deepEqual(problem(() => parseZcParams(schema, { s: 'x', b: 'true' })), { code: 'INVALID_PARAMETER_TYPE', param: 'b' });
  assert.deepEqual(problem(() => parseZcParams(schema, { s: 'x', e: 'a' })), { code: 'INVALID_PARAMETER_VALUE', param: 'e' });
  assert.deepEqual(problem(() => parseZcParams(schema, {})), { code: 'MISSING_PARAMETER', param: 's' });
  assert.deepEqual(problem(() => parseZcParams(schema, { s: '' })), { code: 'MISSING_PARAMETER', param: 's' });
  // null is how some clients spell "unset".
  assert.equal(parseZcParams(schema, { s: 'x', n: null }).n, 5);
});

test('nested objects and arrays name the failing path', () => {
  const schema = { systemDisk: obj({ diskSize: int({ min: 1 }) }), ids: strArray({ maxItems: 2 }) };
  assert.deepEqual(parseZcParams(schema, {}), { systemDisk: undefined, ids: [] });
  assert.deepEqual(problem(() => parseZcParams(schema, { systemDisk: { diskSize: 0 } })), { code: 'INVALID_PARAMETER_LESS_MINIMUM', param: 'systemDisk.diskSize' });
  assert.deepEqual(problem(() => parseZcParams(schema, { ids: ['a', 1] })), { code: 'INVALID_PARAMETER_TYPE', param: 'ids[1]' });
  assert.deepEqual(problem(() => parseZcParams(schema, { ids: ['a', 'b', 'c'] })), { code: 'INVALID_PARAMETER_EXCEED_LENGTH', param: 'ids' });
});

test('tags are read in the wrapped (create) and bare (filter) forms, with unique keys', () => {
  const schema = { tags: tags({ maxItems: 20 }) };
  const list = [{ key: 'env', value: 'prod' }, { key: 'team' }];
  const expected = [{ key: 'env', value: 'prod' }, { key: 'team', value: '' }];
  assert.deepEqual(parseZcParams(schema, { tags: { tags: list } }).tags, expected);
  assert.deepEqual(parseZcParams(schema, { tags: list }).tags, expected);
  assert.deepEqual(problem(() => parseZcParams(schema, { tags: [{ key: 'a' }, { key: 'a' }] })), { code: 'INVALID_PARAMETER_VALUE', param: 'tags' });
  assert.deepEqual(problem(() => parseZcParams(schema, { tags: [{ key: '' }] })), { code: 'MISSING_PARAMETER', param: 'tags[0].key' });
  assert.deepEqual(problem(() => parseZcParams(schema, { tags: { tags: [{ key: 'k'.repeat(65) }] } })), { code: 'INVALID_PARAMETER_EXCEED_LENGTH', param: 'tags.tags[0].key' });
});
