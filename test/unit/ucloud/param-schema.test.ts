import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bool, enumOf, int, obj, ParamError, parseParams, str, strArray, type Infer } from '../../../src/dialects/ucloud/protocol/param-schema.ts';

const schema = {
  Region: str({ required: true }),
  ImageName: str({ maxLength: 5 }),
  Limit: int({ min: 0, max: 100, default: 20 }),
  Offset: int({ min: 0 }),
  Auth: bool(),
  Force: bool({ default: false }),
  OsType: enumOf(['Linux', 'Windows']),
  ImageType: enumOf(['Base', 'Custom'], { default: 'Custom' }),
  ImageIds: strArray(),
};

/** Asserts parseParams throws a ParamError for `name` of `kind`, with the 230 message naming the rule `why`. */
function assertParamError(flat: Record<string, string>, name: string, kind: 'missing' | 'invalid', why?: string | RegExp): void {
  assert.throws(
    () => parseParams(schema, { Region: 'cn-bj2', ...flat }),
    (err: unknown) => {
      assert.ok(err instanceof ParamError, `expected ParamError, got ${String(err)}`);
      assert.ok(err instanceof Error);
      assert.equal(err.name, name);
      assert.equal(err.kind, kind);
      const head = `Params [${name}] ${kind === 'missing' ? 'not available' : 'not valid'}`;
      if (why === undefined) assert.equal(err.message, head);
      else if (typeof why === 'string') assert.equal(err.message, `${head}: ${why}`);
      else assert.match(err.message.slice(head.length), why);
      return true;
    },
  );
}

describe('parseParams', () => {
  it('reads every declared type and applies defaults', () => {
    const parsed = parseParams(schema, {
      Region: 'cn-bj2',
      ImageName: 'web',
      Offset: '40',
      Auth: 'True',
      OsType: 'Linux',
      'ImageIds.1': 'uimage-b',
      'ImageIds.0': 'uimage-a',
      ProjectId: 'org-1', // injected by the SDKs, not declared: ignored
    });
    assert.deepEqual(parsed, {
      Region: 'cn-bj2',
      ImageName: 'web',
      Limit: 20,
      Offset: 40,
      Auth: true,
      Force: false,
      OsType: 'Linux',
      ImageType: 'Custom',
      ImageIds: ['uimage-a', 'uimage-b'],
    });
  });

  it('leaves optional parameters undefined and lists empty', () => {
    const parsed = parseParams(schema, { Region: 'cn-bj2' });
    assert.equal(parsed.ImageName, undefined);
    assert.equal(parsed.Offset, undefined);
    assert.equal(parsed.Auth, undefined);
    assert.equal(parsed.OsType, undefined);
    assert.deepEqual(parsed.ImageIds, []);
  });

  it('infers the parsed type from the schema', () => {
    const parsed: Infer<typeof schema> = parseParams(schema, { Region: 'r' });
    // Compile-time checks: required/default fields are never undefined, others may be.
    const region: string = parsed.Region;
    const limit: number = parsed.Limit;
    const force: boolean = parsed.Force;
    const imageType: 'Base' | 'Custom' = parsed.ImageType;
    const ids: string[] = parsed.ImageIds;
    // @ts-expect-error optional: string | undefined
    const name: string = parsed.ImageName;
    // @ts-expect-error optional: 'Linux' | 'Windows' | undefined
    const osType: 'Linux' | 'Windows' = parsed.OsType;
    // @ts-expect-error not declared
    void parsed.ProjectId;
    assert.deepEqual([region, limit, force, imageType, ids, name, osType], ['r', 20, false, 'Custom', [], undefined, undefined]);
  });

  it('reports a missing required parameter, empty string included', () => {
    assert.throws(
      () => parseParams(schema, {}),
      (err: unknown) => err instanceof ParamError && err.name === 'Region' && err.kind === 'missing',
    );
    assert.throws(
      () => parseParams(schema, { Region: '' }),
      (err: unknown) => err instanceof ParamError && err.kind === 'missing',
    );
  });

  it('treats an empty string as absent (Go drops them, Python sends them)', () => {
    const parsed = parseParams(schema, { Region: 'r', Limit: '', Auth: '', OsType: '' });
    assert.equal(parsed.Limit, 20);
    assert.equal(parsed.Auth, undefined);
    assert.equal(parsed.OsType, undefined);
  });

  it('stops at the first problem in declaration order', () => {
    assert.throws(
      () => parseParams(schema, { Limit: 'x' }),
      (err: unknown) => err instanceof ParamError && err.name === 'Region',
    );
  });

  it('does not read inherited members as parameters', () => {
    const onlyInherited = parseParams({ constructor: str(), toString: int() }, {});
    assert.deepEqual(onlyInherited, { constructor: undefined, toString: undefined });
  });
});

describe('int()', () => {
  it('accepts decimal integers in range', () => {
    assert.equal(parseParams({ N: int({ min: -5, max: 100 }) }, { N: '-5' }).N, -5);
    assert.equal(parseParams({ N: int({ min: -5, max: 100 }) }, { N: '100' }).N, 100);
    assert.equal(parseParams({ N: int() }, { N: '007' }).N, 7);
  });

  it('rejects anything but decimal digits', () => {
    for (const raw of ['1.0', '1e3', '0x10', ' 1', '1 ', '+1', 'ten', '-', '9007199254740993']) {
      assertParamError({ Offset: raw }, 'Offset', 'invalid', /^: (a whole number in decimal digits|between -9007199254740991 and 9007199254740991)$/);
    }
  });

  it('rejects values out of range', () => {
    assertParamError({ Limit: '101' }, 'Limit', 'invalid', 'between 0 and 100 (got 101)');
    assertParamError({ Limit: '-1' }, 'Limit', 'invalid', 'between 0 and 100 (got -1)');
    assert.throws(() => parseParams({ N: int({ min: 5 }) }, { N: '4' }), { message: 'Params [N] not valid: at least 5 (got 4)' });
    assert.throws(() => parseParams({ N: int({ max: 5 }) }, { N: '6' }), { message: 'Params [N] not valid: at most 5 (got 6)' });
    assert.throws(() => parseParams({ N: int({ min: 0, max: 100 }) }, { N: '99999999999999999999' }), {
      message: 'Params [N] not valid: between 0 and 100 (got 100000000000000000000)',
    });
  });
});

describe('bool()', () => {
  it('accepts true/false in any case and 1/0', () => {
    const read = (raw: string): boolean | undefined => parseParams({ B: bool() }, { B: raw }).B;
    for (const raw of ['true', 'True', 'TRUE', '1']) assert.equal(read(raw), true, raw);
    for (const raw of ['false', 'False', 'FALSE', '0']) assert.equal(read(raw), false, raw);
  });

  it('rejects other values', () => {
    for (const raw of ['yes', 'no', '2', 't', ' true']) assertParamError({ Auth: raw }, 'Auth', 'invalid', 'true, false, 1 or 0');
  });
});

describe('str() and enumOf()', () => {
  it('enforces maxLength in characters, not bytes', () => {
    assert.equal(parseParams({ S: str({ maxLength: 2 }) }, { S: '镜像' }).S, '镜像');
    assertParamError({ ImageName: 'toolong' }, 'ImageName', 'invalid', 'at most 5 characters (got 7)');
    assert.throws(() => parseParams({ S: str({ minLength: 3 }) }, { S: '镜像' }), { message: 'Params [S] not valid: at least 3 characters (got 2)' });
    assert.throws(() => parseParams({ S: str({ pattern: /^[a-z]+$/ }) }, { S: 'A' }), { message: 'Params [S] not valid: must match ^[a-z]+$' });
    assert.throws(() => parseParams({ S: strArray({ maxItems: 1 }) }, { 'S.0': 'a', 'S.1': 'b' }), {
      message: 'Params [S] not valid: at most 1 items (got 2)',
    });
  });

  it('compares enum values exactly', () => {
    assertParamError({ OsType: 'linux' }, 'OsType', 'invalid', 'one of Linux, Windows');
    assertParamError({ OsType: 'Mac' }, 'OsType', 'invalid', 'one of Linux, Windows');
  });

  it('can require an enum', () => {
    const required = { OsType: enumOf(['Linux', 'Windows'], { required: true }) };
    const parsed: { OsType: 'Linux' | 'Windows' } = parseParams(required, { OsType: 'Windows' });
    assert.equal(parsed.OsType, 'Windows');
    assert.throws(
      () => parseParams(required, {}),
      (err: unknown) => err instanceof ParamError && err.kind === 'missing',
    );
  });
});

describe('strArray()', () => {
  it('reads Name.N in index order and drops empty items', () => {
    const parsed = parseParams({ Ids: strArray() }, { 'Ids.2': 'c', 'Ids.0': 'a', 'Ids.1': '' });
    assert.deepEqual(parsed.Ids, ['a', 'c']);
  });

  it('can require at least one item and cap the count', () => {
    const s = { Ids: strArray({ required: true, maxItems: 2 }) };
    assert.throws(
      () => parseParams(s, {}),
      (err: unknown) => err instanceof ParamError && err.name === 'Ids' && err.kind === 'missing',
    );
    assert.throws(
      () => parseParams(s, { 'Ids.0': 'a', 'Ids.1': 'b', 'Ids.2': 'c' }),
      (err: unknown) => err instanceof ParamError && err.name === 'Ids' && err.kind === 'invalid',
    );
    assert.deepEqual(parseParams(s, { 'Ids.0': 'a' }).Ids, ['a']);
  });
});

describe('control and bidirectional characters', () => {
  const text = { Name: str(), Description: str({ multiline: true }), Tags: strArray(), Softwares: obj({ Framework: str() }) };
  const refusal = (flat: Record<string, string>) => {
    try {
      parseParams(text, flat);
    } catch (e) {
      assert.ok(e instanceof ParamError, String(e));
      return e.message;
    }
    return assert.fail('expected a ParamError');
  };

  it('are refused in every string, named as sent, with the code point in the 230 message', () => {
    assert.equal(refusal({ Name: 'a\u0000' }), 'Params [Name] not valid: must not contain U+0000 (a control character) at character 1');
    assert.equal(
      refusal({ 'Tags.0': 'ok', 'Tags.1': '\u202e' }),
      'Params [Tags.1] not valid: must not contain U+202E (a bidirectional control) at character 0',
    );
    assert.equal(
      refusal({ 'Softwares.Framework': 'x\u0085' }),
      'Params [Softwares.Framework] not valid: must not contain U+0085 (a control character) at character 1',
    );
    assert.equal(refusal({ Description: 'a\nb\u000b' }), 'Params [Description] not valid: must not contain U+000B (a control character) at character 3');
    assert.equal(refusal({ Name: 'two\nlines' }), 'Params [Name] not valid: must not contain U+000A (a control character) at character 3');
  });

  it('multiline fields take tabs and line breaks', () => {
    assert.equal(parseParams(text, { Description: 'a\r\n\tb' }).Description, 'a\r\n\tb');
  });
});
