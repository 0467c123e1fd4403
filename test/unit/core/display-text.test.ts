import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayTextProblem, forbiddenCharacter } from '../../../src/core/display-text.ts';

const cp = (n: number) => String.fromCodePoint(n);

test('C0, DEL and C1 controls are refused, their neighbours are not', () => {
  for (let n = 0x00; n <= 0x1f; n++) assert.equal(forbiddenCharacter(`a${cp(n)}`)?.codePoint, n, `U+${n.toString(16)}`);
  for (let n = 0x7f; n <= 0x9f; n++) assert.equal(forbiddenCharacter(`a${cp(n)}`)?.codePoint, n, `U+${n.toString(16)}`);
  for (const n of [0x20, 0x7e, 0xa0, 0xad, 0x4e16]) assert.equal(forbiddenCharacter(`a${cp(n)}b`), undefined, `U+${n.toString(16)}`);
});

test('bidirectional embeddings, overrides, isolates and marks are refused; nearby characters are not', () => {
  for (const n of [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
    assert.equal(forbiddenCharacter(cp(n))?.codePoint, n, `U+${n.toString(16)}`);
  }
  for (const n of [0x061b, 0x200d, 0x2010, 0x2029, 0x202f, 0x2065, 0x206a]) assert.equal(forbiddenCharacter(cp(n)), undefined, `U+${n.toString(16)}`);
});

test('multiline text may hold tab, LF and CR only', () => {
  assert.equal(forbiddenCharacter('a\tb\r\nc', true), undefined);
  assert.equal(forbiddenCharacter('a\tb', false)?.codePoint, 0x09);
  for (const n of [0x00, 0x0b, 0x0c, 0x1b, 0x7f, 0x85]) assert.equal(forbiddenCharacter(`x\n${cp(n)}`, true)?.codePoint, n);
  assert.equal(forbiddenCharacter('x\n\u202e', true)?.codePoint, 0x202e);
});

test('the refusal names the code point and counts characters, not UTF-16 units', () => {
  assert.equal(displayTextProblem('😀😀\u202e'), 'must not contain U+202E (a bidirectional control) at character 2');
  assert.equal(displayTextProblem('evil\0name'), 'must not contain U+0000 (a control character) at character 4');
  assert.equal(displayTextProblem('fine name'), undefined);
});
