import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coalesceRanges } from '../../../src/net/coalesce-ranges.ts';
import { Segment } from '../../../src/net/segment.ts';
import { SegmentIndex } from '../../../src/net/segment-index.ts';

describe('coalesceRanges', () => {
  it('sorts, merges overlapping and nearby ranges, drops empty ones', () => {
    const got = coalesceRanges(
      [
        { start: 500, end: 600 },
        { start: 0, end: 100 },
        { start: 90, end: 120 },
        { start: 130, end: 140 },
        { start: 300, end: 300 },
      ],
      { gap: 10, maxLength: 1000 },
    );
    assert.deepEqual(got, [
      { start: 0, end: 140 },
      { start: 500, end: 600 },
    ]);
  });

  it('splits long runs into equal requests of at most maxLength', () => {
    assert.deepEqual(coalesceRanges([{ start: 0, end: 250 }], { gap: 0, maxLength: 100 }), [
      { start: 0, end: 84 },
      { start: 84, end: 168 },
      { start: 168, end: 250 },
    ]);
  });
});

describe('SegmentIndex', () => {
  it('finds overlapping segments and the gaps between them', () => {
    const index = new SegmentIndex();
    const a = new Segment(100, 200);
    const b = new Segment(300, 400);
    index.add(b);
    index.add(a);
    assert.deepEqual(index.overlapping(150, 350), [a, b]);
    assert.deepEqual(index.overlapping(200, 300), []);
    assert.deepEqual(index.gaps(50, 450), [
      { start: 50, end: 100 },
      { start: 200, end: 300 },
      { start: 400, end: 450 },
    ]);
    assert.equal(index.nextStart(200), 300);
    assert.equal(index.nextStart(150), 150, 'inside a segment');
    assert.equal(index.nextStart(400), Infinity);
    assert.throws(() => index.add(new Segment(190, 210)), /overlaps/);
    assert.ok(index.remove(a));
    assert.ok(!index.remove(a));
    assert.deepEqual(index.all, [b]);
  });

  it('copies out of a ready segment across its pieces', () => {
    const s = new Segment(10, 20);
    s.fill([Buffer.from('abc'), Buffer.from('defg'), Buffer.from('hij')]);
    const out = Buffer.alloc(6, '.');
    s.copyTo(out, 1, 12, 17);
    assert.equal(out.toString(), '.cdefg');
    assert.throws(() => new Segment(0, 5).fill([Buffer.from('abc')]), /filled with 3 bytes/);
  });
});
