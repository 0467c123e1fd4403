import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeUCloudRequest, UCloudDecodeError, type UCloudRequestInput } from '../../../src/dialects/ucloud/protocol/decode-request.ts';

const FORM = 'application/x-www-form-urlencoded';

/** Decodes and copies into a plain object, so deepEqual does not trip on the null prototype. */
type TestInput = Partial<Omit<UCloudRequestInput, 'body'>> & { body?: Buffer | string };

function decode(input: TestInput): Record<string, string> {
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  return { ...decodeUCloudRequest({ method: 'POST', query: '', contentType: undefined, ...input, body }) };
}

describe('decodeUCloudRequest: GET', () => {
  it('reads the query string, percent escapes and + as space', () => {
    const query = 'Action=DescribeImage&Region=cn-bj2&ImageName=my+image%20%E9%95%9C&Tag=a%2Bb&ImageIds.0=uimage-1';
    assert.deepEqual(decode({ method: 'GET', query }), {
      Action: 'DescribeImage',
      Region: 'cn-bj2',
      ImageName: 'my image 镜',
      Tag: 'a+b',
      'ImageIds.0': 'uimage-1',
    });
  });

  it('keeps empty values and skips nameless pairs', () => {
    assert.deepEqual(decode({ method: 'GET', query: 'Action=X&Zone=&=orphan&&' }), { Action: 'X', Zone: '' });
  });

  it('ignores a body on GET', () => {
    assert.deepEqual(decode({ method: 'get', query: 'Action=X', contentType: FORM, body: 'Action=Y&Extra=1' }), {
      Action: 'X',
    });
  });

  it('gives an empty map for an empty request', () => {
    assert.deepEqual(decode({ method: 'GET' }), {});
  });
});

describe('decodeUCloudRequest: form body', () => {
  it('reads an x-www-form-urlencoded body with + as space', () => {
    const body = 'Action=CreateCustomImage&ImageName=web+server+v2&ImageDescription=a%26b%3Dc&DataUDiskIds.0=bs-1';
    assert.deepEqual(decode({ contentType: FORM, body }), {
      Action: 'CreateCustomImage',
      ImageName: 'web server v2',
      ImageDescription: 'a&b=c',
      'DataUDiskIds.0': 'bs-1',
    });
  });

  it('accepts content-type parameters and any case', () => {
    assert.deepEqual(decode({ contentType: 'Application/X-WWW-Form-Urlencoded; charset=UTF-8', body: 'A=1' }), {
      A: '1',
    });
  });

  it('merges ?Action=X with the body, the body winning a conflict', () => {
    const params = decode({
      query: 'Action=DescribeImage&Region=query-region',
      contentType: FORM,
      body: 'Region=cn-bj2&Limit=20',
    });
    assert.deepEqual(params, { Action: 'DescribeImage', Region: 'cn-bj2', Limit: '20' });
  });

  it('treats an empty body as no body', () => {
    assert.deepEqual(decode({ query: 'Action=X', contentType: FORM, body: '' }), { Action: 'X' });
  });
});

describe('decodeUCloudRequest: JSON body', () => {
  it('reads a flat object and stringifies typed values as the SDKs sign them', () => {
    const body = JSON.stringify({
      Action: 'DescribeUDisk',
      'DataUDiskIds.0': 'a',
      'DataUDiskIds.1': 'b',
      Auth: true,
      Force: false,
      Limit: 20,
      Ratio: 0.5,
      Skipped: null,
    });
    assert.deepEqual(decode({ contentType: 'application/json', body }), {
      Action: 'DescribeUDisk',
      'DataUDiskIds.0': 'a',
      'DataUDiskIds.1': 'b',
      Auth: 'true',
      Force: 'false',
      Limit: '20',
      Ratio: '0.5',
    });
  });

  it('writes numbers without a zero fraction or an exponent', () => {
    const body = '{"Size": 42.0, "Big": 1e21, "Small": 1.5e-7, "Neg": -3}';
    assert.deepEqual(decode({ contentType: 'application/json; charset=utf-8', body }), {
      Size: '42',
      Big: '1000000000000000000000',
      Small: '0.00000015',
      Neg: '-3',
    });
  });

  it('flattens nested objects and arrays with zero-based indexes', () => {
    const body = JSON.stringify({
      Disks: [{ IsBoot: 'True', Size: 40, CustomBackup: { Journal: 7 } }, { IsBoot: 'False' }],
      Softwares: { Framework: 'PyTorch', Application: ['jupyter', 'vscode'] },
      Tags: [],
      Empty: {},
      Holes: ['a', null, 'c'],
    });
    assert.deepEqual(decode({ contentType: 'application/json', body }), {
      'Disks.0.IsBoot': 'True',
      'Disks.0.Size': '40',
      'Disks.0.CustomBackup.Journal': '7',
      'Disks.1.IsBoot': 'False',
      'Softwares.Framework': 'PyTorch',
      'Softwares.Application.0': 'jupyter',
      'Softwares.Application.1': 'vscode',
      'Holes.0': 'a',
      'Holes.2': 'c',
    });
  });

  it('merges the query, the body winning a conflict', () => {
    assert.deepEqual(decode({ query: 'Action=A&Zone=z1', contentType: 'application/json', body: '{"Zone":"z2"}' }), {
      Action: 'A',
      Zone: 'z2',
    });
  });

  it('stores __proto__ and constructor as plain parameters', () => {
    const params = decodeUCloudRequest({
      method: 'POST',
      query: 'constructor=c',
      contentType: 'application/json',
      body: Buffer.from('{"__proto__": "p", "toString": "t"}'),
    });
    assert.equal(Object.getPrototypeOf(params), null);
    assert.deepEqual(Object.keys(params).sort(), ['__proto__', 'constructor', 'toString']);
    // biome-ignore lint/suspicious/noProto: a client key named __proto__ must read back as a plain own value
    assert.equal(params.__proto__, 'p');
  });
});

describe('decodeUCloudRequest: errors', () => {
  const rejects = (input: TestInput, message: RegExp): void => {
    assert.throws(
      () => decode(input),
      (err: unknown) => {
        assert.ok(err instanceof UCloudDecodeError, `expected UCloudDecodeError, got ${String(err)}`);
        assert.equal(err.name, 'UCloudDecodeError');
        assert.match(err.message, message);
        return true;
      },
    );
  };

  it('rejects malformed JSON', () => {
    rejects({ contentType: 'application/json', body: '{"Action": ' }, /not valid JSON/);
  });

  it('rejects a JSON top level that is not an object', () => {
    for (const body of ['[1,2]', '"Action"', '42', 'null', 'true']) {
      rejects({ contentType: 'application/json', body }, /must be an object/);
    }
  });

  it('rejects a key given both flat and nested', () => {
    rejects({ contentType: 'application/json', body: '{"Disks.0.IsBoot":"True","Disks":[{"IsBoot":"False"}]}' }, /Disks\.0\.IsBoot appears twice/);
  });

  it('rejects a name repeated in the query or in the form body', () => {
    rejects({ method: 'GET', query: 'Action=A&Action=B' }, /Action appears twice in the query string/);
    rejects({ contentType: FORM, body: 'Limit=1&Limit=2' }, /Limit appears twice in the form body/);
  });

  it('rejects a body that is not UTF-8', () => {
    rejects({ contentType: FORM, body: Buffer.from([0x41, 0x3d, 0xff, 0xfe]) }, /not valid UTF-8/);
  });

  it('rejects bodies of other or missing content types', () => {
    rejects({ contentType: 'text/plain', body: 'Action=X' }, /unsupported Content-Type text\/plain/);
    rejects({ contentType: undefined, body: 'Action=X' }, /without a Content-Type/);
  });

  it('refuses a binary body for its content type, before reading it as text', () => {
    rejects({ contentType: 'application/octet-stream', body: Buffer.from([0xff, 0xfe]) }, /unsupported Content-Type application\/octet-stream/);
  });

  it('refuses deep JSON and too many parameters before decoding anything', () => {
    rejects({ contentType: 'application/json', body: '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) }, /nests more than 32 levels/);
    const pairs = (n: number) => Array.from({ length: n }, (_, i) => `p${i}=v`).join('&');
    rejects({ contentType: FORM, body: pairs(100_000) }, /more than 2,000 parameters/);
    rejects({ method: 'GET', query: pairs(2_001) }, /more than 2,000 parameters/);
    // Query and body count together: 1,000 + 1,001.
    rejects({ query: pairs(1_000), contentType: FORM, body: pairs(1_001) }, /more than 2,000 parameters/);
    assert.equal(Object.keys(decode({ query: 'Action=X', contentType: FORM, body: pairs(1_999) })).length, 2_000);
  });
});
