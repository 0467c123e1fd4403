import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DownloadError, downloadToFile } from '../../../src/net/safe-download.ts';
import { assertNothingLeft, pattern, policy, reasonOf, scratchDir } from './download-helpers.ts';
import { startServer, type LocalServer } from './local-server.ts';

let server: LocalServer;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
const stalled = new Set<ServerResponse>();

/** Writes `count` chunks of `size` bytes a few ms apart, so the client sees them separately. */
function drip(res: ServerResponse, count: number, size: number, then: () => void): void {
  let sent = 0;
  const tick = () => {
    if (res.destroyed) return;
    if (sent === count) return then();
    sent++;
    res.write(pattern(size));
    setTimeout(tick, 5);
  };
  tick();
}

before(async () => {
  server = await startServer((req, res) => {
    switch (req.url) {
      case '/big-declared':
        res.writeHead(200, { 'content-length': '2000' });
        return drip(res, 4, 500, () => res.end());
      case '/big-chunked': // no Content-Length: only counting can stop it
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return drip(res, 20, 500, () => res.end());
      case '/small-chunked':
        res.writeHead(200);
        return drip(res, 2, 500, () => res.end());
      case '/truncated':
        res.writeHead(200, { 'content-length': '1000' });
        return drip(res, 1, 400, () => res.socket?.destroy());
      case '/chunked-cut': // chunked body whose terminating chunk never comes
        res.writeHead(200);
        return drip(res, 2, 300, () => res.socket?.destroy());
      case '/silent': // accepts, then never answers
        stalled.add(res);
        return;
      case '/stall-body':
        stalled.add(res);
        res.writeHead(200, { 'content-length': '1000' });
        return void res.write(pattern(100));
      case '/slow':
        res.writeHead(200, { 'content-length': '100000' });
        return drip(res, 200, 500, () => res.end());
      default:
        res.writeHead(404).end();
    }
  });
});
after(() => server.close());
beforeEach(async () => (scratch = await scratchDir()));
afterEach(() => scratch.cleanup());

const listed = (over: Parameters<typeof policy>[0] = {}) => policy({ allowHosts: [server.hostPort], ...over });

describe('downloadToFile: size cap', () => {
  it('refuses early when Content-Length exceeds the cap', async () => {
    const progress: number[] = [];
    const reason = await reasonOf(
      downloadToFile(`${server.base}/big-declared`, scratch.dest, listed({ maxBytes: 1999 }), { onProgress: (b) => progress.push(b) }),
    );
    assert.equal(reason, 'import file is 2000 bytes, over the limit of 1999 bytes');
    assert.deepEqual(progress, [], 'no body was read');
    await assertNothingLeft(scratch.dir);
  });

  it('aborts mid-stream when a body without Content-Length grows past the cap', async () => {
    let last = 0;
    const reason = await reasonOf(downloadToFile(`${server.base}/big-chunked`, scratch.dest, listed({ maxBytes: 1200 }), { onProgress: (b) => (last = b) }));
    assert.equal(reason, 'import file is larger than the limit of 1200 bytes');
    assert.ok(last <= 1200, `progress stopped at ${last}`);
    await assertNothingLeft(scratch.dir);
  });

  it('accepts a chunked body under the cap, and exactly at it', async () => {
    const got = await downloadToFile(`${server.base}/small-chunked`, scratch.dest, listed({ maxBytes: 1000 }));
    assert.equal(got.bytes, 1000);
    const exact = await downloadToFile(`${server.base}/big-declared`, `${scratch.dest}2`, listed({ maxBytes: 2000 }));
    assert.equal(exact.bytes, 2000);
  });
});

describe('downloadToFile: broken bodies, timeouts and cancellation', () => {
  it('reports a body shorter than its Content-Length as truncated', async () => {
    const err = await downloadToFile(`${server.base}/truncated`, scratch.dest, listed()).catch((e: unknown) => e);
    assert.ok(err instanceof DownloadError);
    assert.equal(err.reason, 'import download was truncated: got 400 of 1000 bytes');
    assert.equal(err.transient, true);
    await assertNothingLeft(scratch.dir);
  });

  it('reports a chunked body cut off before its end', async () => {
    const reason = await reasonOf(downloadToFile(`${server.base}/chunked-cut`, scratch.dest, listed()));
    assert.match(reason, /^import download failed after 600 bytes \(/);
    await assertNothingLeft(scratch.dir);
  });

  it('times out a server that accepts but never answers', async () => {
    const started = Date.now();
    const reason = await reasonOf(downloadToFile(`${server.base}/silent`, scratch.dest, listed({ timeoutMs: 200 })));
    assert.equal(reason, `import URL host ${server.hostPort} stopped responding (no data for 200 ms)`);
    assert.ok(Date.now() - started < 3000);
    await assertNothingLeft(scratch.dir);
  });

  it('times out a body that stalls, leaving no .part file', async () => {
    const reason = await reasonOf(downloadToFile(`${server.base}/stall-body`, scratch.dest, listed({ timeoutMs: 200 })));
    assert.match(reason, /stopped responding \(no data for 200 ms\)/);
    await assertNothingLeft(scratch.dir);
  });

  it('passes a local write failure on as itself, not as a fault of the URL', async () => {
    const err = await downloadToFile(`${server.base}/small-chunked`, `${scratch.dir}/no/such/dir/source`, listed()).catch((e: unknown) => e);
    assert.ok(!(err instanceof DownloadError), String(err));
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOENT');
    await assertNothingLeft(scratch.dir);
  });

  it('rejects at once with the abort reason when the signal is already aborted', async () => {
    const before = server.hits.length;
    const err = await downloadToFile(`${server.base}/slow`, scratch.dest, listed(), { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    assert.equal((err as Error).name, 'AbortError');
    assert.equal(server.hits.length, before);
  });

  it('stops mid-body on abort with the abort reason (not a DownloadError), leaving nothing', async () => {
    const ac = new AbortController();
    const err = await downloadToFile(`${server.base}/slow`, scratch.dest, listed(), {
      signal: ac.signal,
      onProgress: (bytes) => bytes >= 2000 && ac.abort(),
    }).catch((e: unknown) => e);
    assert.ok(!(err instanceof DownloadError));
    assert.equal((err as Error).name, 'AbortError');
    await assertNothingLeft(scratch.dir);
  });

  it('aborts while waiting for the response head', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await downloadToFile(`${server.base}/silent`, scratch.dest, listed(), { signal: ac.signal }).catch((e: unknown) => e);
    assert.equal((err as Error).name, 'AbortError');
    await assertNothingLeft(scratch.dir);
  });
});
