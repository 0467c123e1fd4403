/**
 * `kiln images download`: the stream written to a file, holes left as holes. Raw images
 * are mostly zeros; a zero block is skipped (the file is extended to its full size at the
 * end), so the file takes the space of the data only. `--resume` continues a raw
 * download from the file's current length with an HTTP Range request. An existing file
 * is never overwritten without `--force`: it may be the partial download `--resume` needs.
 */
import { open, stat } from 'node:fs/promises';
import { UsageError } from './exit.ts';
import { shellWord } from './interrupted.ts';
import type { ProductImages } from './products.ts';
import type { Progress } from './progress.ts';

const BLOCK = 64 * 1024;

function isZero(b: Uint8Array): boolean {
  // Eight bytes at a time where alignment allows; the tail byte by byte.
  const words = Math.floor(b.length / 8);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < words; i++) if (view.getBigUint64(i * 8) !== 0n) return false;
  for (let i = words * 8; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

export interface DownloadRequest {
  id: string;
  file: string;
  format: 'raw' | 'qcow2';
  resume: boolean;
  /** Overwrite an existing file. */
  force: boolean;
  signal: AbortSignal;
}

/**
 * How a download that starts at byte 0 opens its file: refused if a regular file is
 * there (unless forced), and created exclusively so one made meanwhile is refused too.
 * A device or pipe (`-o /dev/null`) is not a file anyone would lose.
 */
async function freshOpenFlags(r: DownloadRequest): Promise<'w' | 'wx'> {
  // --resume onto an empty file starts it: there is nothing in it to lose.
  if (r.force || r.resume) return 'w';
  const existing = await stat(r.file).catch(() => undefined);
  if (existing === undefined) return 'wx';
  if (!existing.isFile()) return 'w';
  const how = r.format === 'raw' ? `--resume to go on with it (\`kiln images download ${r.id} -o ${shellWord(r.file)} --resume\`), ` : '';
  throw new UsageError(`${r.file} exists (${existing.size} bytes) and was left as it is: ${how}--force to overwrite it`);
}

export async function download(images: ProductImages, r: DownloadRequest, progress: Progress): Promise<{ bytes: number; size: number }> {
  const have = r.resume
    ? await stat(r.file).then(
        (s) => s.size,
        () => 0,
      )
    : 0;
  const fresh = have > 0 ? undefined : await freshOpenFlags(r);
  const d = await images.download(r.id, { format: r.format, signal: r.signal, ...(have > 0 ? { offset: have } : {}) });
  const size = d.offset + d.size;
  const fh = await open(r.file, d.offset > 0 ? 'r+' : (fresh ?? 'w'));
  let at = d.offset;
  let pending = Buffer.alloc(0);
  try {
    progress.update(at, size);
    const writeBlocks = async (final: boolean) => {
      let o = 0;
      for (; o + BLOCK <= pending.length || (final && o < pending.length); o += BLOCK) {
        const block = pending.subarray(o, Math.min(o + BLOCK, pending.length));
        // Raw holes stay holes; a qcow2 file is written as is (its zeros are tables).
        if (r.format === 'qcow2' || !isZero(block)) await fh.write(block, 0, block.length, at);
        at += block.length;
      }
      pending = pending.subarray(o);
    };
    for await (const piece of d.body) {
      pending = pending.length === 0 ? Buffer.from(piece) : Buffer.concat([pending, piece]);
      if (pending.length >= BLOCK) await writeBlocks(false);
      progress.update(at, size);
    }
    await writeBlocks(true);
    await fh.truncate(at);
    progress.update(at, size);
  } finally {
    await fh.close();
    progress.stop();
  }
  return { bytes: at - d.offset, size };
}
