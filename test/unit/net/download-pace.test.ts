/**
 * The pace a download must keep: a minimum average rate over each window and a deadline
 * for the whole transfer. The idle timeout alone lets a server send a byte a second and
 * hold an import worker forever (two such imports once held every job worker).
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DownloadError, downloadToFile } from '../../../src/net/safe-download.ts';
import { assertNothingLeft, pattern, policy, scratchDir } from './download-helpers.ts';
import { startServer, type LocalServer } from './local-server.ts';

let server: LocalServer;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
const open = new Set<ServerResponse>();

/** Sends `count` pieces of `size` bytes, one every `everyMs`, then ends. */
function trickle(res: ServerResponse, count: number, size: number, everyMs: number): void {
  open.add(res);
  res.writeHead(200, { 'content-length': String(count * size) });
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(pattern(size));
    if (++sent === count) {
      clearInterval(timer);
      res.end();
    }
  }, everyMs);
}

before(async () => {
  server = await startServer((req, res) => {
    switch (req.url) {
      case '/byte-a-tick': // 1 byte per 100 ms for 6 s: never idle long enough to time out
        return trickle(res, 60, 1, 100);
      case '/steady': // 1000 bytes per 50 ms (~20 kB/s) for 2 s
        return trickle(res, 40, 1000, 50);
      case '/quick':
        return trickle(res, 4, 1000, 10);
      case '/no-head': // accepts and never answers
        open.add(res);
        return;
      default:
        res.writeHead(404).end();
    }
  });
});
after(async () => {
  for (const r of open) r.destroy();
  await server.close();
});
beforeEach(async () => (scratch = await scratchDir()));
afterEach(() => scratch.cleanup());

const listed = (over: Parameters<typeof policy>[0] = {}) => policy({ allowHosts: [server.hostPort], ...over });

async function failure(p: Promise<unknown>): Promise<{ err: DownloadError; ms: number }> {
  const started = Date.now();
  const err = await p.then(
    () => assert.fail('the download succeeded'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DownloadError, `expected a DownloadError, got ${String(err)}`);
  return { err, ms: Date.now() - started };
}

describe('downloadToFile: minimum rate and deadline', () => {
  it('fails a trickling body once a window passes under the minimum rate, and not as transient', async () => {
    const { err, ms } = await failure(downloadToFile(`${server.base}/byte-a-tick`, scratch.dest, listed({ minRateBytesPerS: 1000, rateWindowMs: 500 })));
    assert.match(err.reason, /^import download is too slow: \d+ bytes in 0\.5 s, under the minimum of 1000 bytes\/s \(KILN_IMPORT_MIN_RATE_BYTES_PER_S\)$/);
    assert.equal(err.transient, false, 'a retry would only hold a worker again');
    assert.ok(ms < 1500, `failed after ${ms} ms`);
    await assertNothingLeft(scratch.dir);
  });

  it('counts the wait for the response head against the rate', async () => {
    const { err, ms } = await failure(
      downloadToFile(`${server.base}/no-head`, scratch.dest, listed({ timeoutMs: 60_000, minRateBytesPerS: 1, rateWindowMs: 300 })),
    );
    assert.match(err.reason, /too slow: 0 bytes in 0\.3 s/);
    assert.ok(ms < 1500, `failed after ${ms} ms`);
    await assertNothingLeft(scratch.dir);
  });

  it('fails a download that keeps a good rate but is not done by the deadline', async () => {
    const { err, ms } = await failure(
      downloadToFile(`${server.base}/steady`, scratch.dest, listed({ minRateBytesPerS: 1000, rateWindowMs: 200, deadlineMs: 400 })),
    );
    assert.equal(err.reason, 'import download did not finish within 0.4 s (KILN_IMPORT_DEADLINE_MS)');
    assert.equal(err.transient, false);
    assert.ok(ms >= 350 && ms < 1500, `failed after ${ms} ms`);
    await assertNothingLeft(scratch.dir);
  });

  it('lets a download that keeps its pace finish', async () => {
    // Windows of 1 s, not 200 ms: a busy test machine can stall both ends for longer than
    // 200 ms, and this case is about a good pace passing, not about the window's length.
    const got = await downloadToFile(`${server.base}/steady`, scratch.dest, listed({ minRateBytesPerS: 1000, rateWindowMs: 1000, deadlineMs: 10_000 }));
    assert.equal(got.bytes, 40_000);
    const quick = await downloadToFile(
      `${server.base}/quick`,
      `${scratch.dest}2`,
      listed({ minRateBytesPerS: 1_000_000, rateWindowMs: 60_000, deadlineMs: 60_000 }),
    );
    assert.equal(quick.bytes, 4000, 'a download done within its first window is never judged');
  });

  it("keeps the caller's abort reason when the caller aborts first", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('lease lost')), 100);
    const err = await downloadToFile(`${server.base}/byte-a-tick`, scratch.dest, listed({ minRateBytesPerS: 1, rateWindowMs: 60_000 }), {
      signal: ac.signal,
    }).catch((e: unknown) => e);
    assert.equal((err as Error).message, 'lease lost');
    await assertNothingLeft(scratch.dir);
  });
});
