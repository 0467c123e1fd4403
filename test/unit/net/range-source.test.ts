import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DownloadError } from '../../../src/net/download-error.ts';
import type { HttpRangeSource, RangeTuning } from '../../../src/net/http-range-source.ts';
import { openImportSource, type ImportSource } from '../../../src/net/import-source.ts';
import { FileServer, type ServeOptions } from '../../support/file-server.ts';
import { patternBytes } from '../../support/disk-images.ts';
import { policyFor } from './stream-helpers.ts';
import { send, startServer } from './local-server.ts';
import { reasonOf } from './download-helpers.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const body = patternBytes(77, 3 * MiB + 12345);
const files = new FileServer();
let dir = '';
let path = '';
let served = 0;

before(async () => {
  await files.start();
  dir = await mkdtemp(join(tmpdir(), 'kiln-ranges-'));
  path = join(dir, 'disk.img');
  await writeFile(path, body);
});
after(async () => {
  await files.close();
  await rm(dir, { recursive: true, force: true });
});

const fast: Partial<RangeTuning> = {
  maxRequestBytes: 256 * KiB,
  minReadBytes: 64 * KiB,
  cacheBytes: MiB,
  retries: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
};

/** Serves `path` under a fresh name; returns the name and an opened source. */
async function open(opts: ServeOptions = {}, tuning: Partial<RangeTuning> = fast, over = {}): Promise<{ name: string; source: ImportSource }> {
  const name = `f${served++}`;
  const url = files.serve(name, path, opts);
  const source = await openImportSource(url, policyFor(files, over), { spoolPath: join(dir, `${name}.spool`), tuning });
  return { name, source };
}

async function readAll(source: ImportSource, step = 100 * KiB + 3): Promise<Buffer> {
  const out = Buffer.alloc(source.size);
  for (let at = 0; at < source.size; at += step) {
    const n = Math.min(step, source.size - at);
    await source.read(out, at, n, at);
  }
  return out;
}

describe('HttpRangeSource', () => {
  it('reads the file with ranged requests only, the probe bringing the head', async () => {
    const { name, source } = await open();
    try {
      assert.equal(source.kind, 'ranges');
      assert.equal(source.size, body.length);
      assert.ok((await readAll(source)).equals(body));
      const asked = files.requests(name);
      assert.ok(asked.every((r) => r.range !== null));
      assert.deepEqual(asked[0]!.range, { start: 0, end: 256 * KiB - 1 }, 'the probe asks for the first 256 KiB');
    } finally {
      await source.close();
    }
  });

  it('fetches hinted ranges ahead, coalesced and sorted, within its memory budget', async () => {
    const { name, source } = await open({}, { ...fast, cacheBytes: 512 * KiB, mergeGapBytes: 32 * KiB });
    try {
      const head = Buffer.alloc(256 * KiB);
      await source.read(head, 0, head.length, 0); // as detection does: the probe's bytes are used and let go
      // Out of order, overlapping and nearly adjacent: sorted, merged, split at 256 KiB.
      source.willNeed?.([
        { start: 2 * MiB, end: 2 * MiB + 100 * KiB },
        { start: 300 * KiB, end: 400 * KiB },
        { start: 410 * KiB, end: 500 * KiB },
        { start: 350 * KiB, end: 380 * KiB },
      ]);
      await new Promise((r) => setTimeout(r, 200));
      const ranges = files
        .requests(name)
        .slice(1)
        .map((r) => r.range);
      assert.deepEqual(ranges, [
        { start: 300 * KiB, end: 500 * KiB - 1 },
        { start: 2 * MiB, end: 2 * MiB + 100 * KiB - 1 },
      ]);
      // A hint for the whole file may not make it hold the whole file.
      source.willNeed?.([{ start: 0, end: source.size }]);
      assert.ok((await readAll(source)).equals(body));
      const stats = (source as HttpRangeSource).stats;
      assert.ok(stats.peakHeldBytes <= 512 * KiB + 2 * 256 * KiB, `held ${stats.peakHeldBytes} bytes at most`);
    } finally {
      await source.close();
    }
  });

  it("fetches a long gap straight into the reader's buffer in one request, and leaves long hints to the reads", async () => {
    const { name, source } = await open({}, { ...fast, directBytes: 512 * KiB });
    try {
      const head = Buffer.alloc(256 * KiB);
      await source.read(head, 0, head.length, 0);
      source.willNeed?.([
        { start: MiB, end: 2 * MiB },
        { start: 2 * MiB + 100 * KiB, end: 2 * MiB + 200 * KiB },
      ]);
      await new Promise((r) => setTimeout(r, 200));
      const asked = () =>
        files
          .requests(name)
          .slice(1)
          .map((r) => r.range);
      assert.deepEqual(asked(), [{ start: 2 * MiB + 100 * KiB, end: 2 * MiB + 200 * KiB - 1 }], 'only the short hint is fetched ahead');
      const buf = Buffer.alloc(MiB + 100, 0xee);
      await source.read(buf, 50, MiB, MiB);
      assert.ok(buf.subarray(50, 50 + MiB).equals(body.subarray(MiB, 2 * MiB)));
      assert.ok(
        buf.subarray(0, 50).equals(Buffer.alloc(50, 0xee)) && buf.subarray(50 + MiB).equals(Buffer.alloc(50, 0xee)),
        'nothing outside the read is written',
      );
      assert.deepEqual(asked().slice(1), [{ start: MiB, end: 2 * MiB - 1 }]);
      assert.ok((source as HttpRangeSource).stats.peakHeldBytes <= 512 * KiB, 'a direct read holds no segment');
    } finally {
      await source.close();
    }
  });

  it('resumes a direct read whose connection dropped, into the same buffer, from the last byte received', async () => {
    const { name, source } = await open({ dropRanges: { from: MiB, times: 2 } }, { ...fast, directBytes: 512 * KiB });
    try {
      const buf = Buffer.alloc(MiB);
      await source.read(buf, 0, MiB, MiB);
      assert.ok(buf.equals(body.subarray(MiB, 2 * MiB)));
      const asked = files.requests(name).slice(1);
      assert.equal(asked.filter((r) => r.dropped).length, 2);
      assert.ok(asked.every((r) => r.range!.end === 2 * MiB - 1 && r.range!.start >= MiB));
      assert.ok(asked[1]!.range!.start > MiB, 'the retry starts where the cut came');
    } finally {
      await source.close();
    }
  });

  it('reads parts (a bitmap, then data) in one request, resumed across parts when the connection drops', async () => {
    const { name, source } = await open({ dropRanges: { from: MiB, times: 2 } });
    try {
      const parts = [Buffer.alloc(512), Buffer.alloc(MiB - 1000), Buffer.alloc(488), Buffer.alloc(300 * KiB)];
      assert.ok(source.readParts);
      assert.equal(await source.readParts(parts, MiB), true, 'served as one request');
      assert.ok(Buffer.concat(parts).equals(body.subarray(MiB, 2 * MiB + 300 * KiB)));
      const asked = files.requests(name).slice(1);
      assert.equal(asked.filter((r) => r.dropped).length, 2);
      assert.ok(
        asked.every((r) => r.range!.end === 2 * MiB + 300 * KiB - 1),
        'one range, asked again from where it was cut',
      );
      assert.ok(asked[1]!.range!.start > MiB + 512, 'the retry starts inside a later part');
    } finally {
      await source.close();
    }
  });

  it('asks again for the rest of a range whose connection dropped mid-body', async () => {
    const { name, source } = await open({ dropRanges: { from: 256 * KiB, times: 3 } }, { ...fast, retries: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 } });
    try {
      assert.ok((await readAll(source)).equals(body));
      const asked = files.requests(name);
      const dropped = asked.filter((r) => r.dropped);
      assert.equal(dropped.length, 3);
      for (const d of dropped) {
        // The retry starts where the cut came, inside the dropped range, and ends with it.
        const retry = asked.find((r) => !r.dropped && r.range!.start > d.range!.start && r.range!.end === d.range!.end);
        assert.ok(retry, `range ${d.range!.start}-${d.range!.end} was resumed`);
      }
    } finally {
      await source.close();
    }
  });

  it('gives up on a range that keeps failing after its tries, with a transient error naming it', async () => {
    const { source } = await open({ dropRanges: { from: MiB, times: Infinity } });
    try {
      const buf = Buffer.alloc(1000);
      await assert.rejects(source.read(buf, 0, 1000, 2 * MiB), (e: unknown) => {
        assert.ok(e instanceof DownloadError && e.transient, String(e));
        assert.match(e.reason, /^reading bytes \d+-\d+ of the import file failed 3 times: the connection dropped/);
        return true;
      });
    } finally {
      await source.close();
    }
  });

  it('refuses to go on when the file changes under the import', async () => {
    const { source } = await open();
    try {
      await utimes(path, new Date(), new Date(Date.now() + 60_000)); // a new ETag and Last-Modified
      const buf = Buffer.alloc(1000);
      const reason = await reasonOf(source.read(buf, 0, 1000, 2 * MiB));
      assert.match(reason, /changed while it was being imported/);
    } finally {
      await source.close();
    }
  });

  it('stops a read pattern that fetches the file over and over (transfer cap)', async () => {
    const { source } = await open({}, { ...fast, cacheBytes: 128 * KiB, maxRequestBytes: 128 * KiB, transferFactor: 1, transferSlackBytes: 0 });
    try {
      const buf = Buffer.alloc(MiB);
      const reason = await reasonOf(
        (async () => {
          for (let i = 0; i < 20; i++) await source.read(buf, 0, MiB, MiB);
        })(),
      );
      assert.match(reason, /corrupt or crafted/);
    } finally {
      await source.close();
    }
  });

  it("refuses a file over the size cap from the probe's Content-Range", async () => {
    const name = `f${served++}`;
    const url = files.serve(name, path);
    const reason = await reasonOf(openImportSource(url, policyFor(files, { maxBytes: MiB }), { spoolPath: join(dir, 'x') }));
    assert.equal(reason, `import file is ${body.length} bytes, over the limit of ${MiB} bytes`);
    assert.equal(files.requests(name).length, 1);
  });
});

describe('openImportSource without ranges', () => {
  it('spools a server that answers 200 to the probe, and removes the spool on close', async () => {
    const spool = await mkdtemp(join(dir, 'spool-'));
    const name = `f${served++}`;
    const source = await openImportSource(files.serve(name, path, { ranges: false }), policyFor(files), { spoolPath: join(spool, 'source') });
    assert.equal(source.kind, 'spool');
    assert.ok((await readAll(source)).equals(body));
    assert.equal(files.requests(name).length, 1, "the probe's answer is the download");
    await source.close();
    assert.deepEqual(await readdir(spool), []);
  });

  it('an empty file (416 to the probe) is fetched whole: an empty source', async () => {
    const empty = join(dir, 'empty.img');
    await writeFile(empty, '');
    const name = `f${served++}`;
    const source = await openImportSource(files.serve(name, empty), policyFor(files), { spoolPath: join(dir, 'empty.spool') });
    assert.equal(source.size, 0);
    await source.close();
  });
});

describe('every ranged request goes through the URL rules', () => {
  it('a later range redirected to an unlisted host is refused, and that host never hears of it', async () => {
    const unlisted = await startServer((_req, res) => send(res, Buffer.from('secret')));
    const origin = await startServer((req, res) => {
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (range && range[1] === '0') {
        const end = Math.min(Number(range[2]), body.length - 1);
        res.writeHead(206, { 'content-range': `bytes 0-${end}/${body.length}`, 'content-length': String(end + 1), etag: '"x"' });
        res.end(body.subarray(0, end + 1));
        return;
      }
      res.writeHead(302, { location: `${unlisted.base}/steal` }).end();
    });
    try {
      const policy = { ...policyFor(files), allowHosts: [origin.hostPort], allowPublic: true };
      const source = await openImportSource(`${origin.base}/disk.img`, policy, { spoolPath: join(dir, 'r.spool'), tuning: fast });
      const buf = Buffer.alloc(1000);
      const reason = await reasonOf(source.read(buf, 0, 1000, 2 * MiB));
      assert.match(reason, /is not allowed \(loopback address\)/);
      assert.deepEqual(unlisted.hits, []);
      await source.close();
    } finally {
      await unlisted.close();
      await origin.close();
    }
  });
});
