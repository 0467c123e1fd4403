import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { chunkKeyPattern } from '../../core/ports/blob-store.ts';

const fanOutPattern = /^[0-9a-f]{2}$/;

/**
 * Chunk keys under `<root>/ab/cd/<key>` in ascending order, starting after `after`.
 * Directories are read one at a time and sorted, so memory stays bounded by the largest
 * directory, and whole subtrees that sort before `after` are skipped without reading.
 */
export async function* walkChunkKeys(root: string, after = ''): AsyncGenerator<string> {
  for (const a of await sortedNames(root, fanOutPattern)) {
    if (before(a, after)) continue;
    for (const b of await sortedNames(join(root, a), fanOutPattern)) {
      if (before(a + b, after)) continue;
      for (const key of await sortedNames(join(root, a, b), chunkKeyPattern)) {
        // A file in the wrong directory is not a chunk this layout can find again.
        if (key > after && key.startsWith(a + b)) yield key;
      }
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
