/**
 * The import pace limits (minimum rate, deadline) hold on the streaming path too: the
 * ranged reads and the spool of openImportSource. For ranges the rate is judged over the
 * time spent waiting on the server, so an import whose own pipeline pauses is not failed.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { DownloadError } from '../../../src/net/download-error.ts';
import { openImportSource } from '../../../src/net/import-source.ts';
import { pattern, policy } from './download-helpers.ts';
import { startServer, type LocalServer } from './local-server.ts';

const KiB = 1024;
const SIZE = 2 * 1024 * KiB;
const file = pattern(SIZE);
let server: LocalServer;
let dir = '';
const open = new Set<ServerResponse>();

/** Answers ranges of `file`; the probe (from byte 0) at full speed, other ranges per `mode`. */
function ranged(req: IncomingMessage, res: ServerResponse, trickle: boolean): void {
  const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  const start = m ? Number(m[1]) : 0;
  const end = m ? Math.min(Number(m[2]), SIZE - 1) : SIZE - 1;
  const headers = { etag: '"fixed"', 'content-length': String(end - start + 1) };
  if (m) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${SIZE}` });
  else res.writeHead(200, headers);
  if (!trickle || start === 0) {
    res.end(file.subarray(start, end + 1));
    return;
  }
  // A byte every 20 ms: never idle long enough for the idle timeout.
  open.add(res);
  let at = start;
  const timer = setInterval(() => {
    if (res.destroyed || at > end) return clearInterval(timer);
    res.write(file.subarray(at, at + 1));
    at++;
  }, 20);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-pace-'));
  server = await startServer((req, res) => {
    if (req.url === '/fast') return ranged(req, res, false);
    if (req.url === '/trickle') return ranged(req, res, true);
    if (req.url === '/trickle-whole') {
      // No ranges: the whole file, a byte every 20 ms (spooled).
      res.writeHead(200, { 'content-length': String(SIZE) });
      open.add(res);
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(file.subarray(0, 1))), 20);
      return;
    }
    res.writeHead(404).end();
  });
});
after(async () => {
  for (const r of open) r.destroy();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const limits = (over: Parameters<typeof policy>[0]) => policy({ allowHosts: [server.hostPort], maxBytes: 1 << 30, ...over });
const tuning = { minReadBytes: 64 * KiB, maxRequestBytes: 256 * KiB, retries: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };

async function readFailure(p: Promise<unknown>): Promise<DownloadError> {
  const err = await p.then(
    () => assert.fail('the read succeeded'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DownloadError, `expected a DownloadError, got ${String(err)}`);
  return err;
}

describe('import pace on the streaming path', () => {
  it('a ranged read that trickles fails as too slow, with the reason the image gets', async () => {
    const source = await openImportSource(`${server.base}/trickle`, limits({ minRateBytesPerS: 10_000, rateWindowMs: 300 }), {
      spoolPath: join(dir, 's1'),
      tuning,
    });
    try {
      assert.equal(source.kind, 'ranges');
      const started = Date.now();
      const err = await readFailure(source.read(Buffer.alloc(1000), 0, 1000, SIZE - 1000));
      assert.match(err.reason, /^import download is too slow: \d+ bytes in 0\.3 s, under the minimum of 10000 bytes\/s/);
      assert.equal(err.transient, false);
      const ms = Date.now() - started;
      assert.ok(ms >= 250 && ms < 2000, `failed after ${ms} ms`);
    } finally {
      await source.close();
    }
  });

  it('time the import spends not asking (its own pipeline busy) does not count against the server', async () => {
    const source = await openImportSource(`${server.base}/fast`, limits({ minRateBytesPerS: 1_000_000, rateWindowMs: 100 }), {
      spoolPath: join(dir, 's2'),
      tuning,
    });
    try {
      const buf = Buffer.alloc(SIZE);
      await source.read(buf, 0, 100 * KiB, 0);
      await sleep(500); // five windows with nothing asked
      await source.read(buf, 100 * KiB, SIZE - 100 * KiB, 100 * KiB);
      assert.ok(buf.equals(file));
    } finally {
      await source.close();
    }
  });

  it('the deadline covers the ranged reads until the source is closed', async () => {
    const source = await openImportSource(`${server.base}/fast`, limits({ deadlineMs: 200 }), { spoolPath: join(dir, 's3'), tuning });
    try {
      await sleep(300);
      const err = await readFailure(source.read(Buffer.alloc(1000), 0, 1000, SIZE - 1000));
      assert.equal(err.reason, 'import download did not finish within 0.2 s (KILN_IMPORT_DEADLINE_MS)');
    } finally {
      await source.close();
    }
  });

  it('a server without ranges that trickles fails while it is spooled', async () => {
    const started = Date.now();
    const err = await readFailure(
      openImportSource(`${server.base}/trickle-whole`, limits({ minRateBytesPerS: 10_000, rateWindowMs: 300 }), { spoolPath: join(dir, 's4'), tuning }),
    );
    assert.match(err.reason, /^import download is too slow/);
    assert.ok(Date.now() - started < 2000);
  });
});
