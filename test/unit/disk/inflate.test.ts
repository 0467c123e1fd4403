import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { DiskFormatError } from '../../../src/disk/disk-reader.ts';
import { inflateInto } from '../../../src/disk/formats/inflate.ts';

const GRAIN = 64 * 1024;

/** A grain half random, half a pattern: deflate has both stored and compressed blocks to undo. */
function grain(seed: number): Buffer {
  const b = Buffer.alloc(GRAIN);
  randomFillSync(b, 0, GRAIN / 2);
  for (let i = GRAIN / 2; i < GRAIN; i++) b[i] = (i * seed) & 0xff;
  return b;
}

describe('inflateInto', () => {
  it('inflates grain after grain into their places in one buffer, both kinds, the bytes around untouched', () => {
    const out = Buffer.alloc(5 * GRAIN, 0xee);
    const grains = [grain(3), grain(5), grain(7)];
    for (const [i, g] of grains.entries()) {
      const kind = i % 2 ? 'raw' : 'zlib';
      assert.equal(inflateInto(kind, kind === 'raw' ? deflateRawSync(g) : deflateSync(g), out, (i + 1) * GRAIN, GRAIN, 'grain'), GRAIN);
    }
    for (const [i, g] of grains.entries()) assert.ok(out.subarray((i + 1) * GRAIN, (i + 2) * GRAIN).equals(g), `grain ${i}`);
    assert.ok(out.subarray(0, GRAIN).equals(Buffer.alloc(GRAIN, 0xee)));
    assert.ok(out.subarray(4 * GRAIN).equals(Buffer.alloc(GRAIN, 0xee)));
  });

  it('takes input cut short or followed by the rest of its last sector, and says how much it wrote', () => {
    const g = grain(9);
    const whole = deflateRawSync(g);
    const out = Buffer.alloc(GRAIN);
    assert.equal(inflateInto('raw', Buffer.concat([whole, Buffer.alloc(511, 0xab)]), out, 0, GRAIN, 'padded'), GRAIN);
    assert.ok(out.equals(g));
    const short = Buffer.alloc(GRAIN);
    const n = inflateInto('raw', whole.subarray(0, whole.length - 100), short, 0, GRAIN, 'cut');
    assert.ok(n < GRAIN && n > 0, `${n} bytes`);
    assert.ok(short.subarray(0, n).equals(g.subarray(0, n)));
  });

  it('refuses data that inflates past its room, writing nothing beyond it', () => {
    const bomb = deflateRawSync(Buffer.alloc(16 * GRAIN));
    const out = Buffer.alloc(2 * GRAIN, 0xee);
    assert.throws(
      () => inflateInto('raw', bomb, out, 0, GRAIN, 'the bomb'),
      (e: unknown) => e instanceof DiskFormatError && /the bomb could not be decompressed/.test(e.message),
    );
    assert.ok(out.subarray(GRAIN).equals(Buffer.alloc(GRAIN, 0xee)));
    const exact = grain(11);
    assert.throws(() => inflateInto('zlib', deflateSync(Buffer.concat([exact, Buffer.from([1])])), out, 0, GRAIN, 'one byte over'), DiskFormatError);
  });

  it('turns corrupt data into a DiskFormatError and inflates the next grain correctly after it', () => {
    const out = Buffer.alloc(GRAIN);
    const garbage = Buffer.alloc(300, 0xff);
    assert.throws(
      () => inflateInto('zlib', garbage, out, 0, GRAIN, 'garbage'),
      (e: unknown) => e instanceof DiskFormatError && /garbage could not be decompressed/.test(e.message),
    );
    const g = grain(13);
    assert.equal(inflateInto('zlib', deflateSync(g), out, 0, GRAIN, 'after'), GRAIN);
    assert.ok(out.equals(g));
  });

  it('refuses a destination outside the buffer', () => {
    assert.throws(() => inflateInto('raw', deflateRawSync(grain(1)), Buffer.alloc(GRAIN), 1, GRAIN, 'past'), RangeError);
  });
});
