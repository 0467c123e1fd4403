import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJsonNumber, stringifyJsonScalar } from '../../../src/dialects/ucloud/protocol/json-value.ts';

describe('formatJsonNumber', () => {
  it('writes integers plainly, a zero fraction dropped', () => {
    assert.equal(formatJsonNumber(10), '10');
    assert.equal(formatJsonNumber(JSON.parse('42.0') as number), '42');
    assert.equal(formatJsonNumber(-7), '-7');
    assert.equal(formatJsonNumber(-0), '0');
  });

  it('keeps a real fraction with its shortest digits', () => {
    assert.equal(formatJsonNumber(0.5), '0.5');
    assert.equal(formatJsonNumber(-12.25), '-12.25');
    assert.equal(formatJsonNumber(0.1 + 0.2), '0.30000000000000004');
  });

  it('never uses scientific notation, large or small', () => {
    assert.equal(formatJsonNumber(1e21), '1000000000000000000000');
    assert.equal(formatJsonNumber(1.5e22), '15000000000000000000000');
    assert.equal(formatJsonNumber(-2.5e21), '-2500000000000000000000');
    assert.equal(formatJsonNumber(1.5e-7), '0.00000015');
    assert.equal(formatJsonNumber(1e-7), '0.0000001');
    assert.equal(formatJsonNumber(-1.25e-10), '-0.000000000125');
    assert.equal(formatJsonNumber(0.000001), '0.000001');
  });

  it('round-trips what it writes', () => {
    // biome-ignore lint/correctness/noPrecisionLoss: 2^53 + 1 is not a double; what it rounds to must still round-trip
    for (const n of [1e21, 1.5e-7, 123.456, 9007199254740993, 5e-324]) {
      assert.equal(Number(formatJsonNumber(n)), n);
      assert.doesNotMatch(formatJsonNumber(n), /e/i);
    }
  });

  it('refuses non-finite numbers', () => {
    assert.throws(() => formatJsonNumber(Number.NaN), RangeError);
    assert.throws(() => formatJsonNumber(Number.POSITIVE_INFINITY), RangeError);
  });
});

describe('stringifyJsonScalar', () => {
  it('writes booleans in lower case and leaves strings alone', () => {
    assert.equal(stringifyJsonScalar(true), 'true');
    assert.equal(stringifyJsonScalar(false), 'false');
    assert.equal(stringifyJsonScalar('True'), 'True');
    assert.equal(stringifyJsonScalar(''), '');
    assert.equal(stringifyJsonScalar(20), '20');
  });
});
