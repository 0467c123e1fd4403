import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { blake3Prefix } from '../../core/chunks/content-key.ts';

const fanOutPattern = /^[0-9a-f]{2}$/;
const digestPattern = /^[0-9a-f]{64}$/;

/** Where a local store keeps BLAKE3 chunks: a name no two-hex fan-out directory can have. */
export const blake3Dir = 'blake3';

/**
 * Chunk keys of a local store in ascending order, starting after `after`: SHA-256 chunks
 * at `<root>/ab/cd/<digest>`, BLAKE3 chunks at `<root>/blake3/ab/cd/<digest>` (key
 * `b3:<digest>`). The two trees are walked side by side and merged, so the order is the
 * keys' code-unit order, the order S3 lists the same keys in.
 */
export async function* walkChunkKeys(root: string, after = ''): AsyncGenerator<string> {
  // Where `after` falls among BLAKE3 keys: inside them, or before or past all of them.
  const b3After = after.startsWith(blake3Prefix) ? after.slice(blake3Prefix.length) : after < blake3Prefix ? '' : undefined;
  const legacy = walkTree(root, '', after);
  if (b3After === undefined) {
    yield* legacy;
    return;
  }
  yield* mergeSorted(legacy, walkTree(join(root, blake3Dir), blake3Prefix, b3After));
}

/**
 * Digests under `<dir>/ab/cd/<digest>` in ascending order, after the digest `after`, as
 * `prefix + digest`. Directories are read one at a time and sorted, so memory stays
 * bounded by the largest directory, and whole subtrees that sort before `after` are
 * skipped without reading.
 */
async function* walkTree(dir: string, prefix: string, after: string): AsyncGenerator<string> {
  for (const a of await sortedNames(dir, fanOutPattern)) {
    if (before(a, after)) continue;
    for (const b of await sortedNames(join(dir, a), fanOutPattern)) {
      if (before(a + b, after)) continue;
      for (const digest of await sortedNames(join(dir, a, b), digestPattern)) {
        // A file in the wrong directory is not a chunk this layout can find again.
        if (digest > after && digest.startsWith(a + b)) yield prefix + digest;
      }
    }
  }
}

async function* mergeSorted(x: AsyncGenerator<string>, y: AsyncGenerator<string>): AsyncGenerator<string> {
  let a = await x.next();
  let b = await y.next();
  while (!a.done || !b.done) {
    if (!a.done && (b.done || a.value < b.value)) {
      yield a.value;
      a = await x.next();
    } else if (!b.done) {
      yield b.value;
      b = await y.next();
    }
  }
}

/** Whether every key under the directory prefix `p` sorts before `after`. */
function before(p: string, after: string): boolean {
  return p < after.slice(0, p.length);
}

async function sortedNames(dir: string, pattern: RegExp): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of await opendir(dir)) if (pattern.test(entry.name)) out.push(entry.name);
  } catch (e) {
    // A directory may vanish between listing its parent and opening it.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
  // Names are lowercase hex: code-unit order is the byte order S3 lists in.
  return out.sort();
}
