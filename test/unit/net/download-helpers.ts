import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DownloadError, type DownloadPolicy } from '../../../src/net/safe-download.ts';

export function policy(over: Partial<DownloadPolicy> = {}): DownloadPolicy {
  return { allowHosts: [], allowPublic: true, allowedSchemes: ['http:', 'https:'], maxBytes: 1 << 20, maxRedirects: 5, timeoutMs: 5000, ...over };
}

export async function scratchDir(): Promise<{ dir: string; dest: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-net-'));
  return { dir, dest: join(dir, 'source'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Awaits a rejection and returns the DownloadError's reason. */
export async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DownloadError, `expected DownloadError, got ${String(e)}`);
    return e.reason;
  }
  assert.fail('download succeeded');
}

/** Neither the destination nor its .part file may exist after a failure. */
export async function assertNothingLeft(dir: string): Promise<void> {
  assert.deepEqual(await readdir(dir), []);
}

export function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}
