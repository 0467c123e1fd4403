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
  assert.deepEqual(
    problem(() => parseZcParams(schema, { s: 'x', n: '3' })),
    { code: 'INVALID_PARAMETER_TYPE', param: 'n' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { s: 'x', n: 2.5 })),
    { code: 'INVALID_PARAMETER_TYPE', param: 'n' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { s: 'x', n: 11 })),
    { code: 'INVALID_PARAMETER_EXCEED_MAXIMUM', param: 'n' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { s: 'x', n: 0 })),
    { code: 'INVALID_PARAMETER_LESS_MINIMUM', param: 'n' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { s: 'x', b: 'true' })),
    { code: 'INVALID_PARAMETER_TYPE', param: 'b' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { s: 'x', e: 'a' })),
    { code: 'INVALID_PARAMETER_VALUE', param: 'e' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, {})),
    { code: 'MISSING_PARAMETER', param: 's' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { s: '' })),
    { code: 'MISSING_PARAMETER', param: 's' },
  );
  // null is how some clients spell "unset".
  assert.equal(parseZcParams(schema, { s: 'x', n: null }).n, 5);
});

test('nested objects and arrays name the failing path', () => {
  const schema = { systemDisk: obj({ diskSize: int({ min: 1 }) }), ids: strArray({ maxItems: 2 }) };
  assert.deepEqual(parseZcParams(schema, {}), { systemDisk: undefined, ids: [] });
  assert.deepEqual(
    problem(() => parseZcParams(schema, { systemDisk: { diskSize: 0 } })),
    { code: 'INVALID_PARAMETER_LESS_MINIMUM', param: 'systemDisk.diskSize' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { ids: ['a', 1] })),
    { code: 'INVALID_PARAMETER_TYPE', param: 'ids[1]' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { ids: ['a', 'b', 'c'] })),
    { code: 'INVALID_PARAMETER_EXCEED_LENGTH', param: 'ids' },
  );
});

test('messages name the rule broken and what was sent', () => {
  const schema = { name: str({ maxLength: 63 }), size: int({ min: 20, max: 1024 }), ids: strArray({ maxItems: 2 }), kind: enumOf(['A', 'B']) };
  const refused = (body: Record<string, unknown>): string => {
    try {
      parseZcParams(schema, body);
    } catch (e) {
      if (e instanceof ZcParamError) return `${e.code} ${e.message}`;
      throw e;
    }
    throw new Error('accepted');
  };
  assert.equal(refused({ name: 'x'.repeat(200) }), 'INVALID_PARAMETER_EXCEED_LENGTH invalid parameter name: must be at most 63 characters (got 200)');
  assert.equal(refused({ size: 10 }), 'INVALID_PARAMETER_LESS_MINIMUM invalid parameter size: must be at least 20 (got 10)');
  assert.equal(refused({ size: 2048 }), 'INVALID_PARAMETER_EXCEED_MAXIMUM invalid parameter size: must be at most 1024 (got 2048)');
  assert.equal(refused({ ids: ['a', 'b', 'c'] }), 'INVALID_PARAMETER_EXCEED_LENGTH invalid parameter ids: must have at most 2 items (got 3)');
  assert.equal(refused({ kind: 'C' }), 'INVALID_PARAMETER_VALUE invalid parameter kind: must be one of A, B');
});

test('tags are read in the wrapped (create) and bare (filter) forms, with unique keys', () => {
  const schema = { tags: tags({ maxItems: 20 }) };
  const list = [{ key: 'env', value: 'prod' }, { key: 'team' }];
  const expected = [
    { key: 'env', value: 'prod' },
    { key: 'team', value: '' },
  ];
  assert.deepEqual(parseZcParams(schema, { tags: { tags: list } }).tags, expected);
  assert.deepEqual(parseZcParams(schema, { tags: list }).tags, expected);
  assert.deepEqual(
    problem(() => parseZcParams(schema, { tags: [{ key: 'a' }, { key: 'a' }] })),
    { code: 'INVALID_PARAMETER_VALUE', param: 'tags' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { tags: [{ key: '' }] })),
    { code: 'MISSING_PARAMETER', param: 'tags[0].key' },
  );
  assert.deepEqual(
    problem(() => parseZcParams(schema, { tags: { tags: [{ key: 'k'.repeat(65) }] } })),
    { code: 'INVALID_PARAMETER_EXCEED_LENGTH', param: 'tags.tags[0].key' },
  );
});

test('control and bidirectional characters are refused in every string, by the pattern code; multiline fields take line breaks', () => {
  const schema = { name: str(), note: str({ multiline: true }), ids: strArray(), disk: obj({ diskName: str() }), tags: tags() };
  const message = (body: Record<string, unknown>) => {
    try {
      parseZcParams(schema, body);
    } catch (e) {
      assert.ok(e instanceof ZcParamError, String(e));
      return `${e.code} ${e.message}`;
    }
    return assert.fail('expected a parameter error');
  };
  assert.equal(
    message({ name: 'a\u202e' }),
    'INVALID_PARAMETER_PATTERN_ERROR invalid parameter name: must not contain U+202E (a bidirectional control) at character 1',
  );
  assert.equal(
    message({ ids: ['x', '\u0000'] }),
    'INVALID_PARAMETER_PATTERN_ERROR invalid parameter ids[1]: must not contain U+0000 (a control character) at character 0',
  );
  assert.equal(
    message({ disk: { diskName: '\u009b' } }),
    'INVALID_PARAMETER_PATTERN_ERROR invalid parameter disk.diskName: must not contain U+009B (a control character) at character 0',
  );
  assert.equal(
    message({ tags: [{ key: 'k\u2066' }] }),
    'INVALID_PARAMETER_PATTERN_ERROR invalid parameter tags[0].key: must not contain U+2066 (a bidirectional control) at character 1',
  );
  assert.equal(
    message({ note: 'a\n\u001b' }),
    'INVALID_PARAMETER_PATTERN_ERROR invalid parameter note: must not contain U+001B (a control character) at character 2',
  );
  assert.equal(parseZcParams(schema, { note: 'a\r\n\tb' }).note, 'a\r\n\tb');
});
