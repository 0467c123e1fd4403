import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Extent } from './disk-reader.ts';

/**
 * Where a local sparse file holds data, so a capture reads only that (an
 * instance disk of 100 GiB with 2 GiB written used to be read whole, holes included).
 *
 * Node has neither lseek(SEEK_DATA) nor ioctl(FIEMAP), and the disk engine stays free of
 * native code, so the map comes from `filefrag -e` (e2fsprogs, in every Debian system),
 * which asks the filesystem through FIEMAP. It reports extents whose data is still only in
 * the page cache (delayed allocation) and preallocated ones (read as zeros, so reading
 * them is merely wasted, never wrong).
 *
 * A wrong map would lose data, so the answer is used only when it is plausible: the file's
 * allocated size (st_blocks) must be covered by the extents reported. Anything else (no
 * filefrag, a filesystem without FIEMAP, output we do not understand) returns undefined,
 * and the caller reads the whole file as before.
 */
export async function dataExtentsOf(path: string, opts: { filefrag?: string } = {}): Promise<Extent[] | undefined> {
  let out: string | undefined;
  // Debian keeps filefrag in /usr/sbin, which is not on every user's PATH.
  for (const cmd of opts.filefrag ? [opts.filefrag] : ['filefrag', '/usr/sbin/filefrag', '/sbin/filefrag']) {
    out = await run(cmd, ['-e', path]).catch(() => undefined);
    if (out !== undefined) break;
  }
  if (out === undefined) return undefined;
  const parsed = parseFilefrag(out);
  if (!parsed) return undefined;
  const st = await stat(path);
  const allocated = st.blocks * 512;
  const reported = parsed.extents.reduce((n, e) => n + e.length, 0);
  // Filesystem metadata of the file (extent tree blocks) counts in st_blocks but is no
  // extent; everything beyond that slack must be covered.
  if (reported + Math.max(1024 * 1024, allocated / 64) < allocated) return undefined;
  return clip(parsed.extents, st.size);
}

/** Parses `filefrag -e` output into byte extents, merged and ascending; undefined if it is not what we expect. */
export function parseFilefrag(out: string): { extents: Extent[] } | undefined {
  const header = /is (\d+) \((\d+) blocks? of (\d+) bytes\)/.exec(out);
  if (!header) return undefined;
  const blockSize = Number(header[3]);
  if (!Number.isSafeInteger(blockSize) || blockSize <= 0) return undefined;
  const extents: Extent[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*\d+:\s*(\d+)\.\.\s*(\d+):/.exec(line);
    if (!m) continue;
    const first = Number(m[1]);
    const last = Number(m[2]);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) return undefined;
    extents.push({ offset: first * blockSize, length: (last - first + 1) * blockSize });
  }
  if (!/extents? found/.test(out)) return undefined;
  extents.sort((a, b) => a.offset - b.offset);
  const merged: Extent[] = [];
  for (const e of extents) {
    const prev = merged.at(-1);
    if (prev && e.offset <= prev.offset + prev.length) {
      prev.length = Math.max(prev.length, e.offset + e.length - prev.offset);
    } else {
      merged.push({ ...e });
    }
  }
  return { extents: merged };
}

/** Extents cut to the file's size (the last block may reach past it). */
function clip(extents: Extent[], size: number): Extent[] {
  const out: Extent[] = [];
  for (const e of extents) {
    if (e.offset >= size) break;
    out.push({ offset: e.offset, length: Math.min(e.length, size - e.offset) });
  }
  return out;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) => (err ? fail(err) : ok(stdout)));
  });
}
