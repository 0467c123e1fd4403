import assert from 'node:assert/strict';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { describe, it } from 'node:test';
import { pinnedLookup } from '../../../src/net/pinned-lookup.ts';

interface Answer {
  err: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family?: number | undefined;
}

function ask(lookup: ReturnType<typeof pinnedLookup>, host: string, options: LookupOptions): Answer {
  let answer: Answer | undefined;
  lookup(host, options, (err, address, family) => (answer = { err, address, family }));
  assert.ok(answer, 'callback is called synchronously');
  return answer;
}

describe('pinnedLookup', () => {
  const checked: LookupAddress[] = [
    { address: '203.0.113.7', family: 4 },
    { address: '2001:db8::7', family: 6 },
  ];
  const lookup = pinnedLookup('files.example', checked);

  it('answers with exactly the checked addresses when asked for all (happy eyeballs)', () => {
    assert.deepEqual(ask(lookup, 'files.example', { all: true }), { err: null, address: checked, family: undefined });
  });

  it('answers with the first checked address for a single lookup', () => {
    assert.deepEqual(ask(lookup, 'files.example', {}), { err: null, address: '203.0.113.7', family: 4 });
    assert.deepEqual(ask(lookup, 'FILES.example', { family: 6 }), { err: null, address: '2001:db8::7', family: 6 });
  });

  it('never answers for another hostname', () => {
    const a = ask(lookup, 'evil.example', { all: true });
    assert.equal(a.err?.code, 'ENOTFOUND');
  });

  it('fails rather than invent an address of a family that was not checked', () => {
    const v4only = pinnedLookup('h.example', [{ address: '203.0.113.7', family: 4 }]);
    assert.equal(ask(v4only, 'h.example', { family: 6 }).err?.code, 'ENOTFOUND');
  });
});
