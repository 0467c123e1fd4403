import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { contentKeyOf } from '../../src/core/chunks/content-key.ts';
import type { BlobStore } from '../../src/core/ports/blob-store.ts';

export interface OpenedStore {
  store: BlobStore;
  cleanup(): Promise<void>;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** What every BlobStore must do, whatever keeps the bytes. Each test gets a fresh, empty store. */
export function blobStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const withStore = (title: string, fn: (s: BlobStore) => Promise<void>) =>
    test(title, async () => {
      const { store, cleanup } = await open();
      try {
        await fn(store);
      } finally {
        await store.close();
        await cleanup();
      }
    });

  describe(`BlobStore contract: ${name}`, () => {
    withStore('put-if-absent writes once; a second put neither reports a write nor replaces the bytes', async (s) => {
      const data = randomBytes(3000);
      const k = sha(data);
      assert.equal(await s.putIfAbsent(k, data), true);
      assert.equal(await s.putIfAbsent(k, randomBytes(3000)), false);
      const buf = Buffer.alloc(4096);
      assert.equal(await s.readInto(k, buf), data.length);
      assert.deepEqual(buf.subarray(0, data.length), data);
    });

    withStore('chunks put with deferSync are readable at once and made durable by one sync', async (s) => {
      const chunks = Array.from({ length: 12 }, () => randomBytes(777));
      for (const c of chunks) assert.equal(await s.putIfAbsent(sha(c), c, c.length, { deferSync: true }), true);
      await s.sync(chunks.map((c) => sha(c)));
      // A few keys are synced file by file (locally), many with one filesystem sync.
      await s.sync(chunks.slice(0, 2).map((c) => sha(c)));
      await s.sync([]);
      const buf = Buffer.alloc(1024);
      for (const c of chunks) {
        assert.equal(await s.readInto(sha(c), buf), c.length);
        assert.ok(buf.subarray(0, c.length).equals(c));
      }
    });

    withStore('put stores only data[0, length)', async (s) => {
      const data = randomBytes(1000);
      const k = sha(data.subarray(0, 600));
      assert.equal(await s.putIfAbsent(k, data, 600), true);
      const buf = Buffer.alloc(1000);
      assert.equal(await s.readInto(k, buf), 600);
      assert.deepEqual(buf.subarray(0, 600), data.subarray(0, 600));
    });

    withStore('a reader during a put sees no chunk or the whole chunk, never part of it', async (s) => {
      const data = randomBytes(8 * 1024 * 1024);
      const k = sha(data);
      const buf = Buffer.alloc(data.length);
      let done = false;
      const put = s.putIfAbsent(k, data).finally(() => (done = true));
      let seen = 0;
      while (!done) {
        if (await s.has(k)) {
          assert.equal(await s.readInto(k, buf), data.length, 'a visible chunk is complete');
          assert.ok(buf.equals(data));
          seen++;
        }
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(await put, true);
      assert.equal(await s.readInto(k, buf), data.length);
      assert.ok(buf.equals(data), `complete after the put (${seen} reads during it)`);
    });

    withStore('20 concurrent puts of one key: exactly one reports the write', async (s) => {
      const data = randomBytes(256 * 1024);
      const k = sha(data);
      const results = await Promise.all(Array.from({ length: 20 }, () => s.putIfAbsent(k, data)));
      assert.equal(results.filter((r) => r).length, 1);
      const buf = Buffer.alloc(data.length);
      assert.equal(await s.readInto(k, buf), data.length);
      assert.ok(buf.equals(data));
    });

    withStore('readRange returns exact bytes at the start, middle and end, short past the end', async (s) => {
      const data = randomBytes(1000);
      const k = sha(data);
      await s.putIfAbsent(k, data);
      const buf = Buffer.alloc(200, 0xee);
      const cases: Array<[number, number, number]> = [
        [0, 10, 10],
        [500, 100, 100],
        [990, 10, 10],
        [995, 10, 5],
        [0, 200, 200],
        [999, 1, 1],
        [1000, 10, 0],
        [5000, 10, 0],
        [10, 0, 0],
      ];
      for (const [offset, length, expected] of cases) {
        buf.fill(0xee);
        const n = await s.readRange(k, offset, length, buf);
        assert.equal(n, expected, `readRange(${offset}, ${length})`);
        assert.deepEqual(buf.subarray(0, n), data.subarray(offset, offset + n), `bytes of readRange(${offset}, ${length})`);
        assert.ok(
          buf.subarray(n).every((b) => b === 0xee),
          `readRange(${offset}, ${length}) writes nothing past what it read`,
        );
      }
    });

    withStore('readRange refuses arguments that do not fit the buffer', async (s) => {
      const data = randomBytes(100);
      const k = sha(data);
      await s.putIfAbsent(k, data);
      await assert.rejects(s.readRange(k, 0, 20, Buffer.alloc(10)), RangeError);
      await assert.rejects(s.readRange(k, -1, 5, Buffer.alloc(10)), RangeError);
    });

    withStore('readInto refuses a buffer smaller than the chunk rather than cutting it', async (s) => {
      const data = randomBytes(100);
      const k = sha(data);
      await s.putIfAbsent(k, data);
      await assert.rejects(s.readInto(k, Buffer.alloc(50)), /100 bytes/);
      const exact = Buffer.alloc(100);
      assert.equal(await s.readInto(k, exact), 100);
      assert.ok(exact.equals(data));
    });

    withStore('has and delete; deleting a missing chunk is fine', async (s) => {
      const data = randomBytes(64);
      const k = sha(data);
      assert.equal(await s.has(k), false);
      await s.delete(k);
      await s.putIfAbsent(k, data);
      assert.equal(await s.has(k), true);
      await s.delete(k);
      assert.equal(await s.has(k), false);
      await s.delete(k);
      assert.equal(await s.putIfAbsent(k, data), true, 'a deleted chunk can be written again');
    });

    withStore('reading a missing chunk rejects with an error naming the key', async (s) => {
      const k = sha('never stored');
      const re = new RegExp(k);
      await assert.rejects(s.readInto(k, Buffer.alloc(10)), re);
      await assert.rejects(s.readRange(k, 0, 5, Buffer.alloc(10)), re);
      await assert.rejects(s.readRange(k, 0, 0, Buffer.alloc(10)), re);
    });

    withStore('list yields every key in ascending order, a page at a time, from after', async (s) => {
      // Keys spread over many fan-out directories, and several sharing one directory.
      const keys = Array.from({ length: 23 }, (_, i) => sha(`key ${i}`));
      for (let i = 0; i < 6; i++) keys.push(`abcd${sha(`shared ${i}`).slice(4)}`);
      keys.push(`00${'0'.repeat(62)}`, `ff${'f'.repeat(62)}`);
      for (const k of keys) await s.putIfAbsent(k, Buffer.from(k));
      const sorted = [...keys].sort();

      const all = await collect(s.list({ pageSize: 7 }));
      assert.ok(all.length >= 5, `${all.length} pages`);
      assert.ok(all.every((p) => p.length >= 1 && p.length <= 7));
      assert.deepEqual(all.flat(), sorted);

      for (const after of [sorted[10]!, sorted[0]!, `abcd${'0'.repeat(60)}`, `abcd${'f'.repeat(60)}`, 'ab', '7', '']) {
        const got = (await collect(s.list({ after, pageSize: 4 }))).flat();
        assert.deepEqual(
          got,
          sorted.filter((k) => k > after),
          `after ${after}`,
        );
      }
      assert.deepEqual((await collect(s.list({ after: sorted.at(-1)! }))).flat(), []);
      assert.deepEqual((await collect(s.list())).flat(), sorted, 'default page size');
    });

    withStore('BLAKE3 and SHA-256 keys live side by side: read, synced, listed in one order, deleted', async (s) => {
      // SHA-256 keys around the point where `b3:` sorts (between b39... and b3a...).
      const old = [sha('old 1'), `b39${'f'.repeat(61)}`, `b3a${'0'.repeat(61)}`, `c${'1'.repeat(63)}`];
      const fresh = ['new 1', 'new 2', 'new 3'].map((t) => contentKeyOf(Buffer.from(t)));
      fresh.push(`b3:${'0'.repeat(64)}`, `b3:${'f'.repeat(64)}`);
      const keys = [...old, ...fresh];
      for (const k of keys) await s.putIfAbsent(k, Buffer.from(`bytes of ${k}`), undefined, { deferSync: true });
      await s.sync(keys);
      for (const k of keys) {
        const buf = Buffer.alloc(200);
        const n = await s.readInto(k, buf);
        assert.equal(buf.subarray(0, n).toString(), `bytes of ${k}`, k);
      }
      const sorted = [...keys].sort();
      assert.deepEqual((await collect(s.list({ pageSize: 3 }))).flat(), sorted);
      for (const after of ['b3', `b39${'f'.repeat(61)}`, 'b3:', fresh[0]!, `b3:${'f'.repeat(64)}`, 'b3;', `b3a${'0'.repeat(61)}`]) {
        assert.deepEqual(
          (await collect(s.list({ after, pageSize: 2 }))).flat(),
          sorted.filter((k) => k > after),
          `after ${after}`,
        );
      }
      await s.delete(fresh[0]!);
      await s.delete(old[0]!);
      assert.equal(await s.has(fresh[0]!), false);
      assert.equal(await s.has(old[1]!), true);
      assert.deepEqual(
        (await collect(s.list())).flat(),
        sorted.filter((k) => k !== fresh[0] && k !== old[0]),
      );
    });

    withStore('an empty store lists nothing', async (s) => {
      assert.deepEqual(await collect(s.list()), []);
    });

    withStore('keys that are not lowercase SHA-256 hex are refused by every method', async (s) => {
      for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(64)}/x`, '', `${'a'.repeat(62)}..`]) {
        await assert.rejects(s.putIfAbsent(bad, Buffer.from('x')), /invalid chunk key/);
        await assert.rejects(s.readInto(bad, Buffer.alloc(1)), /invalid chunk key/);
        await assert.rejects(s.readRange(bad, 0, 1, Buffer.alloc(1)), /invalid chunk key/);
        await assert.rejects(s.has(bad), /invalid chunk key/);
        await assert.rejects(s.delete(bad), /invalid chunk key/);
      }
    });

    withStore('location says where the chunks live', async (s) => {
      assert.equal(typeof s.location, 'string');
      assert.ok(s.location.length > 0);
    });
  });
}

async function collect(it: AsyncIterable<string[]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const page of it) out.push(page);
  return out;
}
