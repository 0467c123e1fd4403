import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { contentKeyOf } from '../../../src/core/chunks/content-key.ts';
import { chunkDisk } from '../../../src/disk/chunker.ts';
import { closeSharedHashPool, sharedHashPool } from '../../../src/disk/hash-pool.ts';
import type { DiskReader, Extent } from '../../../src/disk/disk-reader.ts';
import { patternBytes } from '../../support/disk-images.ts';
import { MemorySink } from '../net/stream-helpers.ts';

const CHUNK = 64 * 1024;

/** A disk whose extents hold pattern bytes (seeded by chunk), recording hints and reads. */
class FakeDisk implements DiskReader {
  readonly format = 'raw' as const;
  readonly announced = new Set<number>();
  readonly events: string[] = [];
  /** Chunks announced but not yet read, at its highest. */
  maxAhead = 0;
  private readCount = 0;

  constructor(
    readonly virtualSize: number,
    private readonly data: Extent[],
  ) {}

  async *extents(): AsyncIterable<Extent> {
    yield* this.data;
  }

  willRead(extents: readonly Extent[]): void {
    for (const e of extents) {
      for (let at = e.offset; at < e.offset + e.length; at += CHUNK) this.announced.add(at / CHUNK);
    }
    this.maxAhead = Math.max(this.maxAhead, this.announced.size - this.readCount);
  }

  async read(buf: Buffer, length: number, offset: number): Promise<void> {
    this.events.push(`${this.announced.has(offset / CHUNK) ? 'announced' : 'unannounced'} ${offset / CHUNK}`);
    this.readCount++;
    await new Promise((r) => setTimeout(r, Math.random() * 3)); // lanes finish out of order
    expected(offset, length).copy(buf);
  }

  async close(): Promise<void> {}
}

/** Chunk `offset / CHUNK` of the fake disk: data for even chunks, zeros for odd ones. */
function expected(offset: number, length: number): Buffer {
  const index = offset / CHUNK;
  return index % 2 === 0 ? patternBytes(index + 1, length) : Buffer.alloc(length);
}

describe('chunkDisk', () => {
  after(closeSharedHashPool);

  for (const hashing of ['inline', 'workers'] as const) {
    it(`stores data chunks by hash, turns zero chunks and unmapped ranges into holes (hashing ${hashing})`, async () => {
      const disk = new FakeDisk(40 * CHUNK + 100, [
        { offset: 0, length: 10 * CHUNK },
        { offset: 30 * CHUNK + 5, length: 10 * CHUNK + 95 },
      ]);
      const sink = new MemorySink();
      const m = await chunkDisk(disk, sink, { chunkSize: CHUNK, inFlight: 3, readAhead: 4, hashPool: hashing === 'inline' ? 'inline' : sharedHashPool() });
      assert.equal(m.chunks.length, 41);
      m.chunks.forEach((key, i) => {
        const mapped = i < 10 || i >= 30;
        const length = Math.min(CHUNK, m.virtualSize - i * CHUNK);
        if (!mapped || i % 2 === 1) {
          assert.equal(key, null, `chunk ${i} is a hole`);
          return;
        }
        // The worker thread names chunks in its own file: both ways must agree.
        assert.equal(key, contentKeyOf(expected(i * CHUNK, length)), `chunk ${i}`);
        assert.ok(sink.chunks.get(key!)!.equals(expected(i * CHUNK, length)));
      });
      assert.equal(m.storedSize, 10 * CHUNK + 100);
    });
  }

  it('announces every chunk before reading it, at most its read-ahead window in front', async () => {
    const disk = new FakeDisk(100 * CHUNK, [{ offset: 0, length: 100 * CHUNK }]);
    await chunkDisk(disk, new MemorySink(), { chunkSize: CHUNK, inFlight: 4, readAhead: 8 });
    assert.equal(disk.events.length, 100);
    assert.deepEqual(
      disk.events.filter((e) => e.startsWith('unannounced')),
      [],
    );
    assert.ok(disk.maxAhead <= 8 + 4, `announced ${disk.maxAhead} chunks ahead of the reads`);
  });

  it('reports progress as bytes of the virtual disk, never falling, ending at its size', async () => {
    const disk = new FakeDisk(64 * CHUNK + 7, [
      { offset: 3 * CHUNK, length: 5 * CHUNK },
      { offset: 50 * CHUNK, length: 14 * CHUNK + 7 },
    ]);
    const seen: [number, number][] = [];
    await chunkDisk(disk, new MemorySink(), { chunkSize: CHUNK, inFlight: 4, onProgress: (done, total) => seen.push([done, total]) });
    assert.ok(seen.every(([, total]) => total === 64 * CHUNK + 7));
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]![0] >= seen[i - 1]![0], `progress fell: ${seen.map((s) => s[0]).join(',')}`);
    assert.deepEqual(seen.at(-1), [64 * CHUNK + 7, 64 * CHUNK + 7]);
    // Once chunk 7 is done the floor is the next mapped chunk (50), never a hole: whether
    // 50 itself is seen depends on which lane finishes first, so only the hole is checked.
    const inHole = seen.filter(([done]) => done >= 8 * CHUNK && done < 50 * CHUNK);
    assert.deepEqual(inHole, [], 'holes before the next mapped chunk count as done');
  });
});
