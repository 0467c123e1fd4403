import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkJsonLimits, checkUrlEncodedLimits, countUrlEncodedPairs, MAX_NESTING_DEPTH, MAX_PARAMETERS } from '../../../src/wire/request-limits.ts';

const json = (text: string) => checkJsonLimits(Buffer.from(text, 'utf8'));
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('countUrlEncodedPairs', () => {
  it('counts non-empty pairs in strings and buffers alike', () => {
    for (const [text, pairs] of [
      ['', 0],
      ['a=1', 1],
      ['a=1&b=2', 2],
      ['&&a&&b=&', 2],
      ['=x&&', 1],
    ] as const) {
      assert.equal(countUrlEncodedPairs(text), pairs, text);
      assert.equal(countUrlEncodedPairs(Buffer.from(text)), pairs, text);
    }
  });

  it('stops counting once past the bound', () => {
    assert.equal(countUrlEncodedPairs('a&'.repeat(100), 5), 6);
  });
});

describe('checkUrlEncodedLimits', () => {
  it('accepts the limit and refuses one more, query pairs included', () => {
    const atLimit = Array.from({ length: MAX_PARAMETERS }, (_, i) => `p${i}=v`).join('&');
    assert.equal(checkUrlEncodedLimits(atLimit), undefined);
    assert.equal(checkUrlEncodedLimits(`${atLimit}&one=more`)?.limit, 'parameters');
    assert.equal(checkUrlEncodedLimits('a=1', MAX_PARAMETERS)?.limit, 'parameters');
    assert.equal(checkUrlEncodedLimits('', MAX_PARAMETERS + 1)?.limit, 'parameters');
  });
});

describe('checkJsonLimits', () => {
  it('accepts nesting up to the limit and refuses deeper', () => {
    assert.equal(json(nested(MAX_NESTING_DEPTH)), undefined);
    const problem = json(nested(MAX_NESTING_DEPTH + 1));
    assert.equal(problem?.limit, 'depth');
    assert.match(problem.message, /more than 32 levels/);
    // The probe's body: 5,000 levels, refused after 33 of them.
    assert.equal(json('{"a":'.repeat(5000) + '1' + '}'.repeat(5000))?.limit, 'depth');
  });

  it('counts object members and array items at every level', () => {
    const flat = (n: number) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])));
    assert.equal(json(flat(MAX_PARAMETERS)), undefined);
    assert.equal(json(flat(MAX_PARAMETERS + 1))?.limit, 'parameters');
    // 1 member + 1,999 items = 2,000; one more item crosses the limit.
    const list = (n: number) => JSON.stringify({ ids: Array.from({ length: n }, (_, i) => `id-${i}`) });
    assert.equal(json(list(MAX_PARAMETERS - 1)), undefined);
    assert.equal(json(list(MAX_PARAMETERS))?.limit, 'parameters');
    assert.equal(checkJsonLimits(Buffer.from('{"a":1}'), MAX_PARAMETERS)?.limit, 'parameters');
  });

  it('does not count empty containers or whitespace', () => {
    assert.equal(checkJsonLimits(Buffer.from(' { "a" : [ ] , "b" : { } } '), MAX_PARAMETERS - 2), undefined);
    assert.equal(checkJsonLimits(Buffer.from(' { "a" : [ ] , "b" : { } } '), MAX_PARAMETERS - 1)?.limit, 'parameters');
  });

  it('ignores brackets, commas and escaped quotes inside strings', () => {
    const tricky = JSON.stringify({ a: `${'['.repeat(100)},,,\\"{{{`, b: 'x\\', c: '"]]]' });
    assert.equal(checkJsonLimits(Buffer.from(tricky), MAX_PARAMETERS - 3), undefined);
    assert.equal(checkJsonLimits(Buffer.from(tricky), MAX_PARAMETERS - 2)?.limit, 'parameters');
  });

  it('terminates on bodies that are not JSON', () => {
    for (const text of ['', '"unterminated', ']]]]}}}', 'Action=X&a=1', '\u0000\u00ff']) assert.equal(json(text), undefined, text);
  });
});
